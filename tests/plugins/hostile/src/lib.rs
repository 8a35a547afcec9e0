//! A test plugin that takes its process down: it reads `hostile` files (`.hostile`), one
//! paragraph a line, unless a line is a marker — `ABORT` aborts, `SEGV` writes through a null
//! pointer, `LOOP` spins for ever, `EXIT` calls `exit(3)`, `ALLOC` allocates without bound. No
//! panic is involved, so the ABI's catching cannot save the host: only a worker process can.

use nianbao_plugin::{export_plugin, Block, Document, Error, Format, FormatPlugin, Options};

pub struct Hostile;

impl FormatPlugin for Hostile {
    const NAME: &'static str = "hostile";
    const VERSION: &'static str = "0.0.1";

    fn formats() -> Vec<Format> {
        vec![Format::new("hostile", "Text that takes the reader down on marker lines")
            .extensions(&["hostile"])
            .readable()]
    }

    fn read(_format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        let text = String::from_utf8_lossy(bytes);
        for line in text.lines() {
            match line.trim() {
                "ABORT" => std::process::abort(),
                // SAFETY: none; crashing is the point.
                "SEGV" => unsafe { std::ptr::null_mut::<u64>().write_volatile(1) },
                "LOOP" => loop {
                    std::hint::spin_loop();
                },
                "EXIT" => std::process::exit(3),
                "ALLOC" => {
                    let mut hoard: Vec<Vec<u8>> = Vec::new();
                    loop {
                        // Zeroed pages are mapped, not touched: the address space runs out as
                        // soon as the limit allows, however busy the machine.
                        hoard.push(vec![0u8; 64 << 20]);
                        std::hint::black_box(&hoard);
                    }
                }
                _ => {}
            }
        }
        Ok(Document { blocks: text.lines().map(Block::paragraph).collect(), ..Document::default() })
    }
}

export_plugin!(Hostile);
