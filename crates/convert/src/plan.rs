//! Which input goes to which output: folders expanded, output names that do not collide, and
//! no output that would replace an input — all decided before anything is read.

use crate::{Error, OutputFormat};
use std::path::{Component, Path, PathBuf};

/// Folders deeper than this below a folder argument are not searched (and symbolic links to
/// folders are never followed), so a walk always ends.
const MAX_DEPTH: usize = 32;

/// One input: a file named on the command line, a file found in a folder named there, or
/// standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as given or found; `-` for standard input.
    pub path: PathBuf,
    /// The folder argument it was found in, if any.
    pub folder: Option<PathBuf>,
}

impl Input {
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input { path: path.into(), folder: None }
    }

    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// How to name it in messages.
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            self.path.display().to_string()
        }
    }

    /// The folder its output path is taken relative to, and that path.
    fn root_and_rel(&self) -> (PathBuf, PathBuf) {
        if self.is_stdin() {
            return (absolute(Path::new(".")), PathBuf::from("stdin"));
        }
        let path = absolute(&self.path);
        let root = match &self.folder {
            Some(f) => absolute(f),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let rel = path.strip_prefix(&root).map(Path::to_path_buf).unwrap_or_else(|_| path.clone());
        (root, rel)
    }
}

/// Where an output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: Input,
    pub target: Target,
}

/// The outputs of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Several reports to standard output, one JSON document a line.
    pub json_lines: bool,
    /// The folder a batch writes into (its subfolders are made as needed).
    pub out_dir: Option<PathBuf>,
}

/// The path made absolute and `.`/`..` resolved by name, without touching the file system
/// (the file need not exist).
fn absolute(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether the arguments make a batch (several inputs, or a folder), which writes into a
/// folder or as JSON Lines.
pub fn is_batch(args: &[PathBuf]) -> bool {
    args.len() > 1 || args.iter().any(|a| a.is_dir())
}

/// The inputs the arguments name: files as given, `-` as standard input, and for each folder
/// the files in it and its subfolders that `readable` accepts (hidden ones and `skip`, the
/// output folder, left out), in name order.
pub fn expand_inputs(
    args: &[PathBuf],
    readable: &dyn Fn(&Path) -> bool,
    skip: Option<&Path>,
) -> Result<Vec<Input>, Error> {
    let skip = skip.map(absolute);
    let mut out = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            out.push(Input::file(arg));
            continue;
        }
        let before = out.len();
        walk(arg, arg, 0, readable, skip.as_deref(), &mut out)
            .map_err(|e| Error::input(format!("{}: cannot list the folder: {e}", arg.display())))?;
        if out.len() == before {
            return Err(Error::input(format!(
                "{}: the folder holds no file of a format that can be read",
                arg.display()
            )));
        }
    }
    Ok(out)
}

fn walk(
    folder: &Path,
    dir: &Path,
    depth: usize,
    readable: &dyn Fn(&Path) -> bool,
    skip: Option<&Path>,
    out: &mut Vec<Input>,
) -> std::io::Result<()> {
    // The output folder is left out when it is inside the folder searched: its files are this
    // conversion's outputs (or the last one's), not its inputs.
    if depth > MAX_DEPTH || (depth > 0 && skip.is_some_and(|s| absolute(dir) == s)) {
        return Ok(());
    }
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.file_type().ok().map(|t| (e.path(), t)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            walk(folder, &path, depth + 1, readable, skip, out)?;
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file())) && readable(&path) {
            out.push(Input { path, folder: Some(folder.to_path_buf()) });
        }
    }
    Ok(())
}

/// Decides each input's output. `output` is `-o` (`None` or `-`: standard output); `batch`
/// comes from [`is_batch`] on the arguments.
///
/// A batch writes into the folder `output` names: a file named on the command line under its
/// own name, a file found in a folder under its path below that folder, with the output
/// format's extension. Where two outputs would still get one name (`a/r.pdf` and `b/r.pdf`),
/// every output keeps its path from the folder all inputs share (`OUT/a/r.json`,
/// `OUT/b/r.json`); if even that does not tell them apart (`r.pdf` and `r.docx`), the plan is
/// refused naming both. Several reports on standard output are JSON Lines, for JSON only.
pub fn plan_outputs(inputs: Vec<Input>, output: Option<&Path>, to: &OutputFormat, batch: bool) -> Result<Plan, Error> {
    let to_stdout = output.is_none_or(|o| o.as_os_str() == "-");
    if to_stdout {
        if batch && !to.is_json() {
            return Err(Error::usage(format!(
                "several inputs go to standard output only as JSON Lines (--to json); say -o FOLDER for one {} file \
                 per input",
                to.extension
            )));
        }
        let jobs = inputs.into_iter().map(|input| Job { input, target: Target::Stdout }).collect();
        return Ok(Plan { jobs, json_lines: batch, out_dir: None });
    }
    let output = output.expect("not standard output");
    if !(batch || output.is_dir()) {
        let jobs = inputs.into_iter().map(|input| Job { input, target: Target::File(output.to_path_buf()) }).collect();
        return Ok(Plan { jobs, json_lines: false, out_dir: None });
    }
    let located: Vec<(PathBuf, PathBuf)> = inputs.iter().map(Input::root_and_rel).collect();
    let name = |rel: &Path| output.join(rel).with_extension(&to.extension);
    let mut targets: Vec<PathBuf> = located.iter().map(|(_, rel)| name(rel)).collect();
    if first_collision(&targets).is_some() {
        let base = common_ancestor(located.iter().map(|(root, _)| root.as_path()));
        targets = located.iter().map(|(root, rel)| name(&root.strip_prefix(&base).unwrap_or(root).join(rel))).collect();
    }
    if let Some((a, b)) = first_collision(&targets) {
        return Err(Error::usage(format!(
            "{} and {} would both be written to {}; convert them in separate runs",
            inputs[a].name(),
            inputs[b].name(),
            targets[a].display()
        )));
    }
    let jobs = inputs.into_iter().zip(targets).map(|(input, t)| Job { input, target: Target::File(t) }).collect();
    Ok(Plan { jobs, json_lines: false, out_dir: Some(output.to_path_buf()) })
}

fn first_collision(targets: &[PathBuf]) -> Option<(usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        if let Some(&j) = seen.get(t) {
            return Some((j, i));
        }
        seen.insert(t, i);
    }
    None
}

fn common_ancestor<'a>(mut paths: impl Iterator<Item = &'a Path>) -> PathBuf {
    let Some(first) = paths.next() else { return PathBuf::new() };
    let mut base: Vec<Component> = first.components().collect();
    for p in paths {
        let n = base.iter().zip(p.components()).take_while(|(a, b)| **a == *b).count();
        base.truncate(n);
    }
    base.iter().collect()
}

/// A file's identity: device and inode, so that two names for one file are one file.
#[cfg(unix)]
fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(p: &Path) -> Option<PathBuf> {
    p.canonicalize().ok()
}

impl Plan {
    /// Refuses a plan whose output would replace one of its inputs (the same file by device
    /// and inode, whatever its name), unless `force`.
    pub fn check_overwrites(&self, force: bool) -> Result<(), Error> {
        if force {
            return Ok(());
        }
        let inputs: Vec<_> =
            self.jobs.iter().filter(|j| !j.input.is_stdin()).filter_map(|j| identity(&j.input.path)).collect();
        for job in &self.jobs {
            let Target::File(t) = &job.target else { continue };
            if identity(t).is_some_and(|id| inputs.contains(&id)) {
                let whose = self
                    .jobs
                    .iter()
                    .find(|j| !j.input.is_stdin() && identity(&j.input.path) == identity(t))
                    .map_or_else(|| t.display().to_string(), |j| j.input.name());
                return Err(Error::usage(format!(
                    "{}: writing it would replace the input {whose}; nothing was converted (choose another output, \
                     or --force to write over it)",
                    t.display()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json() -> OutputFormat {
        crate::Host::with_registry(Default::default(), Vec::new()).output_format("json").unwrap()
    }

    fn targets(plan: &Plan) -> Vec<String> {
        plan.jobs
            .iter()
            .map(|j| match &j.target {
                Target::File(p) => p.display().to_string(),
                Target::Stdout => "-".into(),
            })
            .collect()
    }

    #[test]
    fn same_names_in_two_folders_keep_their_folders() {
        let inputs = vec![Input::file("/r/a/r.pdf"), Input::file("/r/b/r.pdf"), Input::file("/r/b/s.pdf")];
        let plan = plan_outputs(inputs, Some(Path::new("/out")), &json(), true).unwrap();
        assert_eq!(targets(&plan), ["/out/a/r.json", "/out/b/r.json", "/out/b/s.json"]);
        let inputs = vec![Input::file("/r/a/r.pdf"), Input::file("/elsewhere/s.pdf")];
        let plan = plan_outputs(inputs, Some(Path::new("/out")), &json(), true).unwrap();
        assert_eq!(targets(&plan), ["/out/r.json", "/out/s.json"], "flat while nothing collides");
    }

    #[test]
    fn files_found_in_a_folder_keep_their_path_below_it() {
        let inputs = vec![
            Input { path: "/r/2022/x.pdf".into(), folder: Some("/r".into()) },
            Input { path: "/r/2023/deep/x.pdf".into(), folder: Some("/r".into()) },
        ];
        let plan = plan_outputs(inputs, Some(Path::new("/out")), &json(), true).unwrap();
        assert_eq!(targets(&plan), ["/out/2022/x.json", "/out/2023/deep/x.json"]);
    }

    #[test]
    fn what_cannot_be_told_apart_is_refused() {
        let inputs = vec![Input::file("/r/x.pdf"), Input::file("/r/x.docx")];
        let e = plan_outputs(inputs, Some(Path::new("/out")), &json(), true).unwrap_err();
        assert_eq!(
            e.message,
            "/r/x.pdf and /r/x.docx would both be written to /out/x.json; convert them in separate runs"
        );
    }

    #[test]
    fn several_inputs_on_standard_output_are_json_lines() {
        let inputs = vec![Input::file("a.txt"), Input::file("b.txt")];
        let plan = plan_outputs(inputs, Some(Path::new("-")), &json(), true).unwrap();
        assert!(plan.json_lines);
        assert_eq!(targets(&plan), ["-", "-"]);
    }
}
