//! Reading inputs and writing outputs: whole files, and atomically.

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

/// The bytes of an input file, or of standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::input(format!("<stdin>: cannot read: {e}")))?;
        return Ok(bytes);
    }
    let name = path.display();
    if path.is_dir() {
        return Err(Error::input(format!("{name}: is a directory")));
    }
    std::fs::read(path).map_err(|e| Error::input(format!("{name}: cannot read: {}", io_reason(&e))))
}

/// Writes bytes to a file atomically: to a temporary file beside it, renamed into place, so
/// that a failure leaves no half-written file and an existing file stays as it was. The file
/// gets the mode a new file gets under the user's umask, or keeps the one of the file it
/// replaces.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nianbao-");
    // A temporary file is private to its owner; the output is not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder
            .permissions(std::fs::metadata(path).map_or(std::fs::Permissions::from_mode(0o666), |m| m.permissions()));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::output(format!("{name}: cannot create a file in {}: {}", dir.display(), io_reason(&e))))?;
    tmp.write_all(bytes).map_err(|e| Error::output(format!("{name}: cannot write: {e}")))?;
    tmp.persist(path).map_err(|e| Error::output(format!("{name}: cannot write: {}", io_reason(&e.error))))?;
    Ok(())
}
