//! Prints the Document a `.doc` reads into, as JSON: `cargo run --example dump -p nianbao-doc -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("a .doc file");
    let bytes = std::fs::read(&path).expect("readable");
    match nianbao_doc::read(&bytes, &nianbao_plugin::Options::new()) {
        Ok(doc) => println!("{}", serde_json::to_string_pretty(&doc).unwrap()),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
