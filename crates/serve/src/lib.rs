//! The clerk's web page (`nianbao serve`): open a report in any format the plugins read, or
//! start from the blank template; edit meta, sections and the three tables in the official
//! layout with the 勾稽 rules checked as she types (said in Chinese); see where each number was
//! printed; download the report in every writer's format.
//!
//! One page of static HTML, CSS and JavaScript embedded in the binary, and a small JSON API
//! over the same pipeline the CLI uses (`nianbao-convert`). Nothing is written to disk: opened
//! documents are kept in memory for the page's source view, the oldest dropped past a few.

mod api;
mod chinese;
mod page;
mod worker;

pub use chinese::rule_in_chinese;

use nianbao_convert::Host;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; `127.0.0.1:8718` unless the user asks for another address.
    pub addr: SocketAddr,
    /// The largest upload, in MiB.
    pub max_upload_mb: u64,
    /// Requests handled at once (each thread has its own plugin host).
    pub threads: usize,
    /// A `nianbao` binary to read uploads in, one child process each (`nianbao inspect --json
    /// -`), so that a file that hangs or crashes its reader costs only that child; `None` reads
    /// them in this process.
    pub worker: Option<std::path::PathBuf>,
    /// Arguments the child gets before its command (`--plugin NAME` as the server was given).
    pub worker_args: Vec<String>,
    /// How long reading one upload may take in its child, in seconds.
    pub timeout_secs: u64,
    /// The address space one child may take, in MiB.
    pub max_memory_mb: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8718)),
            max_upload_mb: 50,
            threads: 4,
            worker: None,
            worker_args: Vec::new(),
            timeout_secs: 30,
            max_memory_mb: 2048,
        }
    }
}

/// What the server keeps between requests: the documents opened, for their source pages.
#[derive(Default)]
pub(crate) struct State {
    next: u64,
    documents: Vec<(String, Arc<nianbao_document::Document>)>,
}

/// How many opened documents are kept for the source view.
const KEPT: usize = 16;

impl State {
    pub(crate) fn keep(&mut self, doc: nianbao_document::Document) -> String {
        self.next += 1;
        let id = format!("d{}", self.next);
        self.documents.push((id.clone(), Arc::new(doc)));
        if self.documents.len() > KEPT {
            self.documents.remove(0);
        }
        id
    }

    pub(crate) fn document(&self, id: &str) -> Option<Arc<nianbao_document::Document>> {
        self.documents.iter().find(|(i, _)| i == id).map(|(_, d)| d.clone())
    }
}

/// A response: status, content type, body, extra headers.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub(crate) fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type, body: body.into(), headers: Vec::new() }
    }
    pub(crate) fn json(value: &serde_json::Value) -> Reply {
        Reply::new(200, "application/json; charset=utf-8", serde_json::to_vec(value).expect("JSON encodes"))
    }
    /// An error the page shows as it is: `{"error": message}`.
    pub(crate) fn error(status: u16, message: impl Into<String>) -> Reply {
        let body = serde_json::json!({ "error": message.into() });
        Reply::new(status, "application/json; charset=utf-8", serde_json::to_vec(&body).expect("JSON encodes"))
    }
}

/// A request as the handlers see it.
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Serves until the process ends. `make_host` gives each handler thread its own plugin host
/// (a host is not shared between threads); `ready` is called with the address bound (port 0
/// picks a free one) before the first request is taken.
pub fn serve(
    config: &Config,
    make_host: impl Fn() -> Host + Send + Sync + 'static,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let server = tiny_http::Server::http(config.addr).map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let bound = server.server_addr().to_ip().unwrap_or(config.addr);
    ready(bound);
    let server = Arc::new(server);
    let state = Arc::new(Mutex::new(State::default()));
    let make_host = Arc::new(make_host);
    let max = config.max_upload_mb.saturating_mul(1 << 20);
    let config = Arc::new(config.clone());
    let threads: Vec<_> = (0..config.threads.max(1))
        .map(|_| {
            let (server, state, make_host, config) = (server.clone(), state.clone(), make_host.clone(), config.clone());
            std::thread::spawn(move || {
                let host = make_host();
                for request in server.incoming_requests() {
                    respond(request, &host, &state, &config, max);
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

fn respond(mut request: tiny_http::Request, host: &Host, state: &Mutex<State>, config: &Config, max: u64) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let too_big = || {
        Reply::error(
            413,
            format!("the upload is larger than the limit of {} MiB (nianbao serve --max-upload-mb)", max >> 20),
        )
    };
    let reply = if request.body_length().is_some_and(|n| n as u64 > max) {
        too_big()
    } else {
        let mut body = Vec::new();
        match request.as_reader().take(max + 1).read_to_end(&mut body) {
            Err(e) => Reply::error(400, format!("cannot read the request: {e}")),
            Ok(_) if body.len() as u64 > max => too_big(),
            Ok(_) => {
                let req = Request { method: request.method().to_string(), path: path.to_string(), query, body };
                route(&req, host, state, config)
            }
        }
    };
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        ("Content-Type".to_string(), reply.content_type.to_string()),
        // The page and its data stay on this machine: no caching, no framing by other sites.
        ("Cache-Control".to_string(), "no-store".to_string()),
        ("X-Frame-Options".to_string(), "DENY".to_string()),
        ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
    ];
    headers.extend(reply.headers);
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn route(req: &Request, host: &Host, state: &Mutex<State>, config: &Config) -> Reply {
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/") => Reply::new(200, "text/html; charset=utf-8", page::INDEX),
        ("GET", "/app.js") => Reply::new(200, "text/javascript; charset=utf-8", page::SCRIPT),
        ("GET", "/app.css") => Reply::new(200, "text/css; charset=utf-8", page::STYLE),
        ("GET", "/api/layout") => api::layout(),
        ("GET", "/api/template") => api::template(req),
        ("GET", "/api/formats") => api::formats(host),
        ("POST", "/api/open") => api::open(req, host, state, config),
        ("GET", "/api/table") => api::source_table(req, state),
        ("POST", "/api/validate") => api::validate(req),
        ("POST", "/api/write") => api::write(req, host),
        ("GET", "/api/page") => api::source_page(req, state),
        (_, p) if p.starts_with("/api/") || matches!(p, "/" | "/app.js" | "/app.css") => {
            Reply::error(405, format!("{} is not allowed on {p}", req.method))
        }
        (_, p) => Reply::error(404, format!("no such page: {p}")),
    }
}

/// Percent-decoding of a query component (`+` is a space).
fn decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
