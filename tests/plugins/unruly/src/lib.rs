//! A test plugin that misbehaves before it is asked anything, and competes for a format.
//!
//! - Loaded with `NIANBAO_TEST_ON_LOAD` set to `abort`, `segv`, `exit` or `hang`, its library
//!   constructor aborts, segfaults, exits with status 3 or never returns: discovery must report
//!   it and go on, in every command.
//! - Otherwise it is a plugin named `unruly` that reads `.pdf` files (format `fakepdf`) by
//!   refusing them with a message of its own: the host must keep using its own PDF reader
//!   unless `--plugin unruly` asks for this one. Asked to read a file that starts with `hang`
//!   it never returns; with `abort`, it aborts: what a reader's worst bug does to its caller.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};

extern "C" fn on_load() {
    match std::env::var("NIANBAO_TEST_ON_LOAD").as_deref() {
        Ok("abort") => std::process::abort(),
        // A real fault, as a buggy constructor makes (a raised signal would be ignored by the
        // handler Rust's runtime installs). SAFETY: none; this is the point of the test.
        Ok("segv") => unsafe { std::ptr::write_volatile(std::hint::black_box(16usize) as *mut u8, 1) },
        Ok("exit") => std::process::exit(3),
        Ok("hang") => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        _ => {}
    }
}

// Runs when the library is loaded, before the host can look at its declaration.
#[used]
#[link_section = ".init_array"]
static ON_LOAD: extern "C" fn() = on_load;

pub struct Unruly;

impl FormatPlugin for Unruly {
    const NAME: &'static str = "unruly";
    const VERSION: &'static str = "0.0.1";

    fn formats() -> Vec<Format> {
        vec![Format::new("fakepdf", "Claims PDF files, to test which plugin wins").extensions(&["pdf"]).readable()]
    }

    fn read(_format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        if bytes.starts_with(b"hang") {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
        if bytes.starts_with(b"abort") {
            std::process::abort();
        }
        Err(Error::new("read by the unruly test plugin, which reads nothing"))
    }
}

export_plugin!(Unruly);
