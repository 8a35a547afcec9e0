//! Printing. Standard output closed by its reader (`nianbao plugins | head`) ends the process
//! quietly with status 141, as a program killed by SIGPIPE does; Rust's `println!` would panic.
//! Messages go to standard error and never fail the command.

use crate::status;
use std::io::{self, Write};

/// Prints a line to standard output, like `println!`.
macro_rules! outln {
    () => { $crate::out::stdout(format_args!("\n")) };
    ($($t:tt)*) => { $crate::out::stdout(format_args!("{}\n", format_args!($($t)*))) };
}

/// Prints a line to standard error; a closed standard error is no reason to stop.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

fn failed(e: io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(status::BROKEN_PIPE.into());
    }
    errln!("error: <stdout>: cannot write: {e}");
    std::process::exit(status::FAILED.into());
}

pub fn stdout(args: std::fmt::Arguments) {
    if let Err(e) = io::stdout().lock().write_fmt(args) {
        failed(e)
    }
}

/// Writes bytes (a converted file) to standard output.
pub fn bytes(b: &[u8]) {
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_all(b).and_then(|_| o.flush()) {
        failed(e)
    }
}

pub fn flush() {
    if let Err(e) = io::stdout().lock().flush() {
        failed(e)
    }
}

/// A writer for libraries that print (completions, the man page), with the same handling.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match io::stdout().lock().write(buf) {
            Err(e) => failed(e),
            ok => ok,
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        flush();
        Ok(())
    }
}
