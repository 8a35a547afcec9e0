//! Reading inputs and writing outputs: whole files, bounded, and atomically.

use crate::Error;
use std::io::{Read, Write};
use std::path::Path;

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The most an input may hold, in MiB, unless the user allows more (`--max-input-mb`): the
/// largest real reports are scans of a few tens of MB; a stream without end (`/dev/zero`, a
/// pipe that never closes) must not take all memory.
pub const MAX_INPUT_MB: u64 = 256;

/// The bytes of an input file, or of standard input for `-`, at most [`MAX_INPUT_MB`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    read_input_limited(path, MAX_INPUT_MB << 20)
}

/// The bytes of an input file, or of standard input for `-`, refused when longer than
/// `max` bytes: before reading when the file says its size, else as soon as more arrive.
pub fn read_input_limited(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let too_big = |name: &str| {
        Error::input(format!(
            "{name}: larger than the input limit of {} MiB; --max-input-mb allows more",
            max.div_ceil(1 << 20)
        ))
    };
    let bounded = |r: &mut dyn Read, name: &str, hint: u64| {
        let mut bytes = Vec::with_capacity(hint.min(max) as usize);
        r.take(max + 1).read_to_end(&mut bytes).map_err(|e| Error::input(format!("{name}: cannot read: {e}")))?;
        if bytes.len() as u64 > max {
            return Err(too_big(name));
        }
        Ok(bytes)
    };
    if path.as_os_str() == "-" {
        return bounded(&mut std::io::stdin().lock(), "<stdin>", 0);
    }
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| Error::input(format!("{name}: cannot read: {}", io_reason(&e)));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Error::input(format!("{name}: is a directory")));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_big(&name));
    }
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    bounded(&mut file, &name, if meta.is_file() { meta.len() } else { 0 })
}

/// Writes bytes to a file so that nothing half-written is ever seen under its name: into an
/// unnamed file in the same folder (`O_TMPFILE`) linked in when complete, or where the system
/// cannot, a hidden temporary file renamed into place. A killed run leaves no file behind with
/// the first; with the second, the next write into that folder removes what it left. The file
/// gets the mode a new file gets under the user's umask, or keeps the one of the file it
/// replaces. A path that is not a regular file (a FIFO, `/dev/null`, a terminal) is written to
/// directly: replacing it would break whoever reads it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.display();
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(Error::output(format!("{name}: is a directory")));
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::output(format!("{name}: cannot open: {}", io_reason(&e))))?;
            return f.write_all(bytes).map_err(|e| Error::output(format!("{name}: cannot write: {e}")));
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    remove_stale_temporaries(dir);
    #[cfg(target_os = "linux")]
    {
        if let Some(done) = unnamed::write(dir, path, bytes, existing.as_ref()) {
            return done;
        }
    }
    named_write(dir, path, bytes, existing.as_ref())
}

/// The prefix of named temporary files: `.nianbao-PID-…`, so that a later run can tell those
/// of a process that is gone.
const TEMP_PREFIX: &str = ".nianbao-";

fn named_write(dir: &Path, path: &Path, bytes: &[u8], existing: Option<&std::fs::Metadata>) -> Result<(), Error> {
    let name = path.display();
    let mut builder = tempfile::Builder::new();
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    builder.prefix(&prefix);
    // A temporary file is private to its owner; the output is not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(existing.map_or(std::fs::Permissions::from_mode(0o666), |m| m.permissions()));
    }
    #[cfg(not(unix))]
    let _ = existing;
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::output(format!("{name}: cannot create a file in {}: {}", dir.display(), io_reason(&e))))?;
    tmp.write_all(bytes).map_err(|e| Error::output(format!("{name}: cannot write: {e}")))?;
    tmp.persist(path).map_err(|e| Error::output(format!("{name}: cannot write: {}", io_reason(&e.error))))?;
    Ok(())
}

/// Removes the temporary files of runs that were killed: `.nianbao-PID-…` of a process that no
/// longer exists, at least a minute old (a PID can be reused; a live writer is never that slow
/// to be mistaken, and if it were, it fails with a clear error rather than a wrong file).
fn remove_stale_temporaries(dir: &Path) {
    // Once per folder and process: a batch writes thousands of files into one folder.
    static SEEN: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if seen.iter().any(|d| d == dir) {
            return;
        }
        seen.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)).and_then(|r| r.split('-').next())
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let old = e.metadata().ok().and_then(|m| m.modified().ok()).is_some_and(|t| t < minute_ago);
        if old && pid != std::process::id() && !process_exists(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn process_exists(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without a cheap check, assume alive: a file left behind is better than a file lost.
        let _ = pid;
        true
    }
}

#[cfg(target_os = "linux")]
mod unnamed {
    //! `O_TMPFILE`: a file with no name until `linkat` gives it one, complete.
    use super::{io_reason, Error, TEMP_PREFIX};
    use std::ffi::CString;
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::io::{AsRawFd, FromRawFd};
    use std::path::Path;

    /// `None` when the file system cannot make unnamed files (the caller falls back to a
    /// named temporary file); else the outcome of writing.
    pub fn write(
        dir: &Path,
        path: &Path,
        bytes: &[u8],
        existing: Option<&std::fs::Metadata>,
    ) -> Option<Result<(), Error>> {
        let name = path.display();
        let cdir = CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o7777);
        // SAFETY: a valid C string; the descriptor is owned by the File below.
        let fd = unsafe { libc::open(cdir.as_ptr(), libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC, mode) };
        if fd < 0 {
            return None;
        }
        let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
        let failed = |what: &str, e: std::io::Error| Some(Err(Error::output(format!("{name}: cannot {what}: {e}"))));
        if let Err(e) = file.write_all(bytes) {
            return failed("write", e);
        }
        if existing.is_some() {
            // The umask applied at open; the mode of the file replaced applies as it was.
            let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
        }
        let proc_path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).expect("no NUL");
        let link = |to: &Path| {
            let cto = CString::new(to.as_os_str().as_bytes()).expect("paths have no NUL");
            // SAFETY: valid C strings.
            let r = unsafe {
                libc::linkat(libc::AT_FDCWD, proc_path.as_ptr(), libc::AT_FDCWD, cto.as_ptr(), libc::AT_SYMLINK_FOLLOW)
            };
            if r == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        };
        if existing.is_none() {
            return Some(match link(path) {
                Ok(()) => Ok(()),
                // Another process made the file meanwhile: replace it as below.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => replace(path, &link),
                // /proc not mounted, or linking not allowed: a named temporary file will do.
                Err(_) => return None,
            });
        }
        Some(replace(path, &link))
    }

    /// Links under a temporary name, then renames over the file: rename is what replaces a
    /// file atomically. The name exists only between the two calls.
    fn replace(path: &Path, link: &dyn Fn(&Path) -> std::io::Result<()>) -> Result<(), Error> {
        let name = path.display();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        for attempt in 0..16u32 {
            let tmp = dir.join(format!("{TEMP_PREFIX}{}-{attempt}-{:x}", std::process::id(), nonce()));
            match link(&tmp) {
                Ok(()) => {
                    return std::fs::rename(&tmp, path).map_err(|e| {
                        let _ = std::fs::remove_file(&tmp);
                        Error::output(format!("{name}: cannot write: {}", io_reason(&e)))
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::output(format!("{name}: cannot write: {}", io_reason(&e)))),
            }
        }
        Err(Error::output(format!("{name}: cannot write: no free temporary name in {}", dir.display())))
    }

    fn nonce() -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        h.finish()
    }
}
