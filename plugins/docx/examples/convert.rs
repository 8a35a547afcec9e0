//! Converts one file with the plugin alone, as a whole process: `convert IN.docx OUT.json`
//! reads a DOCX into Document JSON, `convert IN.json OUT.docx` writes a Document JSON as DOCX.
//! `bench/compare.py --plugin` times it; it is also handy for looking at what the reader makes
//! of a file (`-` as OUT prints to stdout).

use std::process::ExitCode;

use nianbao_plugin::{Document, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: convert IN.docx OUT.json | convert IN.json OUT.docx");
        return ExitCode::from(2);
    };
    match run(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{input}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, output: &str) -> Result<(), String> {
    let bytes = std::fs::read(input).map_err(|e| e.to_string())?;
    let out = if input.ends_with(".json") {
        let doc: Document = serde_json::from_slice(&bytes).map_err(|e| format!("not a Document: {e}"))?;
        nianbao_docx::write(&doc, &Options::new()).map_err(|e| e.0)?
    } else {
        let mut options = Options::new();
        if std::env::var_os("INSPECT").is_some() {
            options.insert("inspect".into(), "true".into());
        }
        let doc = nianbao_docx::read(&bytes, &options).map_err(|e| e.0)?;
        serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?
    };
    if output == "-" {
        use std::io::Write;
        std::io::stdout().write_all(&out).map_err(|e| e.to_string())
    } else {
        std::fs::write(output, out).map_err(|e| e.to_string())
    }
}
