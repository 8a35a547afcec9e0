//! The page as a tree: html5ever builds it into a flat arena of nodes through a small
//! `TreeSink`, fed in chunks so that a page nested absurdly deep or holding millions of
//! elements is refused before it costs unbounded time or memory.

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, parse_document, Attribute, LocalName, QualName};
use nianbao_plugin::Error;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// More elements than any report page has by two orders of magnitude.
pub const MAX_NODES: usize = 200_000;
/// Browsers stop nesting at 512 (WebKit's parser limit); a page deeper than that is damaged
/// or hostile, and html5ever's scope checks grow with the depth.
pub const MAX_DEPTH: u32 = 512;
/// Input is fed in chunks of this many bytes and the limits checked in between, so a hostile
/// page costs at most one chunk's work past a limit.
const CHUNK: usize = 16 * 1024;

pub type NodeId = usize;

pub struct Node {
    pub parent: Option<NodeId>,
    pub first_child: Option<NodeId>,
    pub last_child: Option<NodeId>,
    pub prev: Option<NodeId>,
    pub next: Option<NodeId>,
    pub data: Data,
}

pub enum Data {
    Document,
    Element {
        name: LocalName,
        html: bool,
        attrs: Vec<Attribute>,
    },
    Text(StrTendril),
    /// Comments, doctypes, processing instructions: nothing a reader shows.
    Other,
}

pub struct Dom {
    pub nodes: Vec<Node>,
}

impl Dom {
    pub const ROOT: NodeId = 0;

    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children { dom: self, next: self.nodes[id].first_child }
    }

    /// The HTML element name of a node, or None for text, non-HTML elements and the rest.
    pub fn tag(&self, id: NodeId) -> Option<&LocalName> {
        match &self.nodes[id].data {
            Data::Element { name, html: true, .. } => Some(name),
            _ => None,
        }
    }

    pub fn is(&self, id: NodeId, tag: &LocalName) -> bool {
        self.tag(id) == Some(tag)
    }

    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        match &self.nodes[id].data {
            Data::Element { attrs, .. } => attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value),
            _ => None,
        }
    }

    pub fn text(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].data {
            Data::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The first descendant element with one of these tags, in document order.
    pub fn find(&self, id: NodeId, tags: &[LocalName]) -> Option<NodeId> {
        let mut stack: Vec<NodeId> = self.children(id).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            if self.tag(n).is_some_and(|t| tags.contains(t)) {
                return Some(n);
            }
            let first = stack.len();
            stack.extend(self.children(n));
            stack[first..].reverse();
        }
        None
    }

    /// Whether a descendant has one of these tags.
    pub fn contains(&self, id: NodeId, tags: &[LocalName]) -> bool {
        self.find(id, tags).is_some()
    }

    /// All text below a node, as in the source (whitespace untouched).
    pub fn text_len(&self, id: NodeId) -> usize {
        let mut stack = vec![id];
        let mut n = 0;
        while let Some(x) = stack.pop() {
            match &self.nodes[x].data {
                Data::Text(t) => n += t.chars().filter(|c| !c.is_whitespace()).count(),
                _ => stack.extend(self.children(x)),
            }
        }
        n
    }
}

pub struct Children<'a> {
    dom: &'a Dom,
    next: Option<NodeId>,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        self.next = self.dom.nodes[id].next;
        Some(id)
    }
}

/// Parses a decoded page.
pub fn parse(text: &str) -> Result<Dom, Error> {
    let mut parser = parse_document(Sink::default(), Default::default());
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
        parser.tokenizer.sink.sink.check()?;
    }
    let dom = parser.finish();
    Ok(dom)
}

/// A handle carries the element's name so that `elem_name` needs no borrow of the arena,
/// which the tree builder may ask for while it also changes the tree.
#[derive(Clone)]
pub struct Handle {
    id: NodeId,
    name: Rc<QualName>,
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    depth: RefCell<Vec<u32>>,
    max_depth: Cell<u32>,
    nameless: Rc<QualName>,
}

impl Default for Sink {
    fn default() -> Sink {
        let root =
            Node { parent: None, first_child: None, last_child: None, prev: None, next: None, data: Data::Document };
        Sink {
            nodes: RefCell::new(vec![root]),
            depth: RefCell::new(vec![0]),
            max_depth: Cell::new(0),
            nameless: Rc::new(QualName::new(None, ns!(), local_name!(""))),
        }
    }
}

impl Sink {
    fn check(&self) -> Result<(), Error> {
        let n = self.nodes.borrow().len();
        if n > MAX_NODES {
            return Err(Error::new(format!(
                "the page has more than {MAX_NODES} elements and text runs, far more than a report page; it is damaged or not a report"
            )));
        }
        if self.max_depth.get() > MAX_DEPTH {
            return Err(Error::new(format!(
                "the page nests elements more than {MAX_DEPTH} deep, which browsers do not render either; it is damaged or not a report"
            )));
        }
        Ok(())
    }

    fn new_node(&self, data: Data) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node { parent: None, first_child: None, last_child: None, prev: None, next: None, data });
        self.depth.borrow_mut().push(0);
        nodes.len() - 1
    }

    fn detach(&self, id: NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let (parent, prev, next) = {
            let n = &mut nodes[id];
            (n.parent.take(), n.prev.take(), n.next.take())
        };
        match next {
            Some(x) => nodes[x].prev = prev,
            None => {
                if let Some(p) = parent {
                    nodes[p].last_child = prev;
                }
            }
        }
        match prev {
            Some(x) => nodes[x].next = next,
            None => {
                if let Some(p) = parent {
                    nodes[p].first_child = next;
                }
            }
        }
    }

    /// Links a detached node in under `parent`, before `before` (or last).
    fn link(&self, parent: NodeId, id: NodeId, before: Option<NodeId>) {
        self.detach(id);
        let mut nodes = self.nodes.borrow_mut();
        let prev = match before {
            Some(b) => nodes[b].prev,
            None => nodes[parent].last_child,
        };
        nodes[id].parent = Some(parent);
        nodes[id].prev = prev;
        nodes[id].next = before;
        match prev {
            Some(p) => nodes[p].next = Some(id),
            None => nodes[parent].first_child = Some(id),
        }
        match before {
            Some(b) => nodes[b].prev = Some(id),
            None => nodes[parent].last_child = Some(id),
        }
        let mut depth = self.depth.borrow_mut();
        depth[id] = depth[parent] + 1;
        if depth[id] > self.max_depth.get() {
            self.max_depth.set(depth[id]);
        }
    }

    /// Inserts a node or text under `parent` before `before`; text joins a text node
    /// right before the insertion point, as the tree builder expects.
    fn insert(&self, parent: NodeId, before: Option<NodeId>, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(h) => self.link(parent, h.id, before),
            NodeOrText::AppendText(text) => {
                let prev = {
                    let nodes = self.nodes.borrow();
                    match before {
                        Some(b) => nodes[b].prev,
                        None => nodes[parent].last_child,
                    }
                };
                if let Some(p) = prev {
                    if let Data::Text(t) = &mut self.nodes.borrow_mut()[p].data {
                        t.push_tendril(&text);
                        return;
                    }
                }
                let id = self.new_node(Data::Text(text));
                self.link(parent, id, before);
            }
        }
    }

    fn handle(&self, id: NodeId) -> Handle {
        Handle { id, name: self.nameless.clone() }
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Dom {
        Dom { nodes: self.nodes.into_inner() }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        self.handle(Dom::ROOT)
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        &target.name
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let html = name.ns == ns!(html);
        let id = self.new_node(Data::Element { name: name.local.clone(), html, attrs });
        if flags.template {
            // Template contents live outside the tree: a detached document node holds them.
            self.new_node(Data::Document);
        }
        Handle { id, name: Rc::new(name) }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        let id = self.new_node(Data::Other);
        self.handle(id)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        let id = self.new_node(Data::Other);
        self.handle(id)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.insert(parent.id, None, child);
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        let parent = self.nodes.borrow()[element.id].parent;
        match parent {
            Some(p) => self.insert(p, Some(element.id), child),
            None => self.insert(prev_element.id, None, child),
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        // create_element allocated the contents node right after the template.
        self.handle(target.id + 1)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let parent = self.nodes.borrow()[sibling.id].parent;
        if let Some(p) = parent {
            self.insert(p, Some(sibling.id), new_node);
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, extra: Vec<Attribute>) {
        if let Data::Element { attrs, .. } = &mut self.nodes.borrow_mut()[target.id].data {
            for a in extra {
                if !attrs.iter().any(|b| b.name == a.name) {
                    attrs.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.detach(target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        loop {
            let first = self.nodes.borrow()[node.id].first_child;
            let Some(child) = first else { break };
            self.link(new_parent.id, child, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(dom: &Dom, id: NodeId) -> Vec<String> {
        dom.children(id).filter_map(|c| dom.tag(c).map(|t| t.to_string())).collect()
    }

    #[test]
    fn builds_the_html5_tree_with_implied_elements() {
        let dom = parse("<!DOCTYPE html><title>t</title><p>a<b>b<p>c</b>d<table><td>x</table>").unwrap();
        let html = dom.children(Dom::ROOT).next().unwrap();
        assert_eq!(tags(&dom, html), ["head", "body"]);
        let body = dom.children(html).nth(1).unwrap();
        assert_eq!(tags(&dom, body), ["p", "p", "table"]);
        let table = dom.children(body).nth(2).unwrap();
        assert_eq!(tags(&dom, table), ["tbody"]);
    }

    #[test]
    fn misnested_formatting_is_repaired_not_lost() {
        // The adoption agency moves nodes around: every text run must survive it.
        let dom = parse("<p><b>1<i>2</b>3</i>4</p>").unwrap();
        let texts: String =
            dom.nodes.iter().filter_map(|n| if let Data::Text(t) = &n.data { Some(&**t) } else { None }).collect();
        assert_eq!(texts, "1234");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let page = "<div>".repeat(100_000);
        let err = parse(&page).err().expect("refused");
        assert!(err.0.contains("512 deep"), "{err}");
    }

    #[test]
    fn too_many_elements_are_refused() {
        // Each `<p>x` makes two nodes: an element and its text.
        let page = "<p>x".repeat(MAX_NODES / 2 + 10);
        let err = parse(&page).err().expect("refused");
        assert!(err.0.contains("elements"), "{err}");
    }
}
