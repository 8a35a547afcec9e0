//! The commands that describe nianbao itself: plugins, formats, the schema, completions, the
//! manual page.

use crate::out::Stdout;
use crate::status;
use nianbao_convert::{Origin, HOST_OPTIONS};

pub fn list_formats(input: bool, output: bool) -> u8 {
    let host = match crate::shared::discover() {
        Ok(h) => h,
        Err(e) => return crate::shared::fail(&e),
    };
    let mut names = Vec::new();
    if input {
        names.extend(host.input_formats());
    }
    if output {
        names.extend(host.output_formats().into_iter().filter(|n| !names.contains(n)).collect::<Vec<_>>());
    }
    for n in names {
        outln!("{n}");
    }
    status::OK
}

pub fn plugins(json: bool) -> u8 {
    let host = match crate::shared::discover() {
        Ok(h) => h,
        Err(e) => return crate::shared::fail(&e),
    };
    let reg = host.registry();
    if json {
        let plugins: Vec<serde_json::Value> = reg
            .plugins
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "version": p.version, "path": p.path, "origin": p.origin.to_string(),
                    "formats": p.formats.iter().map(|f| serde_json::json!({
                        "name": f.name, "description": f.description, "extensions": f.extensions,
                        "media_types": f.media_types, "read": f.read, "write": f.write,
                    })).collect::<Vec<_>>(),
                    "options": p.options,
                })
            })
            .collect();
        let problems: Vec<String> = reg.problems.iter().map(|p| p.to_string()).collect();
        let searched: Vec<serde_json::Value> = host
            .searched()
            .iter()
            .map(|(d, o)| serde_json::json!({ "path": d, "origin": o.to_string(), "exists": d.exists() }))
            .collect();
        let conflicts: Vec<String> = reg.conflicts().iter().map(|c| c.to_string()).collect();
        let v = serde_json::json!({
            "plugins": plugins, "problems": problems, "conflicts": conflicts, "searched": searched
        });
        outln!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return status::OK;
    }
    outln!("searched, in order:");
    for (dir, origin) in host.searched() {
        let mark = if dir.exists() { "" } else { " (missing)" };
        outln!("  {} ({origin}){mark}", dir.display());
    }
    outln!();
    outln!("json      read write   (built in: the canonical report model)");
    for p in &reg.plugins {
        for f in &p.formats {
            let rw = format!("{:<5} {:<5}", if f.read { "read" } else { "" }, if f.write { "write" } else { "" });
            let exts: Vec<String> = f.extensions.iter().map(|e| format!(".{e}")).collect();
            outln!("{:<9} {rw}   {} — {}", f.name, exts.join(" "), f.description);
        }
        let origin =
            if p.origin == Origin::BesideBinary { "beside the binary".to_string() } else { p.origin.to_string() };
        outln!("          plugin {} {} from {} ({origin})", p.name, p.version, p.path.display());
        for o in &p.options {
            let who = match (o.read, o.write) {
                (true, true) => "reader, writer",
                (true, false) => "reader",
                _ => "writer",
            };
            let default = if o.default.is_empty() { String::new() } else { format!(" (default: {})", o.default) };
            outln!("          -O {}=…  {who}: {}{default}", o.name, o.description);
        }
    }
    if reg.plugins.is_empty() {
        outln!("\nno plugins were found: only JSON can be read and written. {}", host.where_plugins_come_from());
    }
    for (key, meaning) in HOST_OPTIONS {
        outln!("\nevery reader: -O {key}=…  {meaning}");
    }
    for (name, path) in &reg.shadowed {
        outln!("shadowed: {name} at {} (a plugin of that name was found earlier)", path.display());
    }
    for p in &reg.problems {
        outln!("refused: {p}");
    }
    for c in reg.conflicts() {
        outln!("conflict: {c}");
    }
    status::OK
}

pub fn schema() -> u8 {
    outln!("{}", serde_json::to_string_pretty(&nianbao_report::schema()).expect("schema serializes"));
    status::OK
}

pub fn completions(shell: clap_complete::Shell, cmd: &mut clap::Command) -> u8 {
    clap_complete::generate(shell, cmd, "nianbao", &mut Stdout);
    status::OK
}

pub fn man(cmd: clap::Command) -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut page) {
        errln!("error: cannot render the manual page: {e}");
        return status::FAILED;
    }
    crate::out::bytes(&page);
    status::OK
}
