//! Hardening of the host: plugins that crash while loading, plugin locations that others
//! control, two plugins for one format, outputs that are not regular files, runs killed in the
//! middle of a write, inputs without end and empty inputs. One test per row of the hardening
//! issue's table that the host answers; the readers' rows are in each plugin's `bad_input`
//! tests and in `tests/malformed`.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

fn unruly() -> std::path::PathBuf {
    built_lib("unruly_plugin")
}

fn txt_report(dir: &Path) -> std::path::PathBuf {
    let r = dir.join("r.txt");
    std::fs::copy(seed("001"), &r).unwrap();
    r
}

// ---- A plugin that aborts, segfaults, exits or hangs while loading.

#[test]
fn a_plugin_that_crashes_while_loading_is_reported_and_every_command_goes_on() {
    let dir = tmp();
    let r = txt_report(dir.path());
    for (how, cause) in [
        ("abort", "killed by SIGABRT"),
        ("segv", "killed by SIGSEGV"),
        ("exit", "it exited with status 3"),
        ("hang", "did not finish within 10 s"),
    ] {
        let home = tmp();
        let cmd = || {
            let mut c = nianbao(home.path());
            c.env("NIANBAO_PLUGIN_PATH", unruly()).env("NIANBAO_TEST_ON_LOAD", how);
            c
        };
        let o = run(cmd().arg("plugins"));
        assert!(o.status.success(), "{how}: plugins: {}", stderr(&o));
        let listed = stdout(&o);
        assert!(listed.contains("plugin pdf") && listed.contains("plugin text"), "{how}: {listed}");
        let refused = format!("refused: {}: not loaded: ", unruly().display());
        assert!(listed.contains(&refused) && listed.contains(cause), "{how}: {listed}");
        // The next command knows from the cache, without opening it again (a hang costs once).
        let started = std::time::Instant::now();
        let o = run(cmd().arg("convert").arg(&r).args(["-t", "json"]));
        assert!(o.status.success(), "{how}: convert: {}", stderr(&o));
        assert!(stderr(&o).contains("warning: ignoring plugin") && stderr(&o).contains(cause), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["model"], "nianbao.report/1");
        if how == "hang" {
            assert!(started.elapsed().as_secs() < 5, "the cached refusal is not probed again");
        }
    }
}

// ---- Plugin locations: relative entries, relative HOME, writable by others, other owners.

#[test]
fn relative_plugin_locations_are_never_searched() {
    let cwd = tmp();
    let home = tmp();
    std::fs::create_dir_all(cwd.path().join("plugins")).unwrap();
    std::fs::copy(built_lib("panicky_plugin"), cwd.path().join("plugins/libnianbao_panicky.so")).unwrap();
    for entry in ["plugins", "./plugins", "plugins/libnianbao_panicky.so"] {
        let o = run(nianbao(home.path()).current_dir(cwd.path()).env("NIANBAO_PLUGIN_PATH", entry).arg("plugins"));
        let out = stdout(&o);
        assert!(!out.contains("plugin panicky"), "{entry}: loaded from the current folder: {out}");
        assert!(out.contains(&format!("refused: {entry}: not searched: plugin locations")), "{entry}: {out}");
        assert!(out.contains("must be absolute paths"), "{out}");
    }
    // A relative HOME makes a relative user folder: refused the same way.
    let user = cwd.path().join("h/.local/share/nianbao/plugins");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::copy(built_lib("panicky_plugin"), user.join("libnianbao_panicky.so")).unwrap();
    let o = run(Command::new(bin())
        .current_dir(cwd.path())
        .env_remove("NIANBAO_PLUGIN_PATH")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", "h")
        .arg("plugins"));
    let out = stdout(&o);
    assert!(o.status.success() && !out.contains("plugin panicky"), "{out}");
    assert!(out.contains("not searched: plugin locations (user folder) must be absolute paths"), "{out}");
    assert!(!cwd.path().join("h/.cache").exists(), "no cache is written under a relative HOME");
}

#[test]
fn plugin_folders_and_files_others_can_write_are_refused() {
    let home = tmp();
    let listed = |path: &Path| stdout(&run(nianbao(home.path()).env("NIANBAO_PLUGIN_PATH", path).arg("plugins")));
    for (mode, who) in [(0o777, "everyone"), (0o775, "its group")] {
        let dir = tmp();
        std::fs::copy(built_lib("panicky_plugin"), dir.path().join("libnianbao_panicky.so")).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        let out = listed(dir.path());
        assert!(!out.contains("plugin panicky"), "{mode:o}: {out}");
        let why = format!("folder not searched: the folder is writable by {who} (mode {mode:o}); `chmod go-w` it");
        assert!(out.contains(&why), "{mode:o}: {out}");
        // The same folder, made private again, is searched.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(listed(dir.path()).contains("plugin panicky"));
        // A library file others can write, in a private folder.
        let lib = dir.path().join("libnianbao_panicky.so");
        std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = listed(dir.path());
        assert!(!out.contains("plugin panicky"), "{out}");
        assert!(out.contains(&format!("not loaded: the file is writable by {who}")), "{out}");
    }
    // A file named directly may sit in a shared folder with the sticky bit (others cannot
    // replace it there), not in one without.
    let shared = tmp();
    let lib = shared.path().join("libnianbao_panicky.so");
    std::fs::copy(built_lib("panicky_plugin"), &lib).unwrap();
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    assert!(listed(&lib).contains("plugin panicky"));
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert!(listed(&lib).contains("not loaded: the folder is writable by everyone"));
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn plugins_owned_by_another_user_are_refused() {
    // SAFETY: geteuid touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        skip("plugins_owned_by_another_user_are_refused", "needs root to give a file to another user");
        return;
    }
    let home = tmp();
    let dir = tmp();
    let lib = dir.path().join("libnianbao_panicky.so");
    std::fs::copy(built_lib("panicky_plugin"), &lib).unwrap();
    std::os::unix::fs::chown(&lib, Some(4321), None).unwrap();
    let out = stdout(&run(nianbao(home.path()).env("NIANBAO_PLUGIN_PATH", dir.path()).arg("plugins")));
    assert!(!out.contains("plugin panicky"), "{out}");
    assert!(out.contains("not loaded: the file is owned by another user (uid 4321)"), "{out}");
    std::os::unix::fs::chown(dir.path(), Some(4321), None).unwrap();
    let out = stdout(&run(nianbao(home.path()).env("NIANBAO_PLUGIN_PATH", dir.path()).arg("plugins")));
    assert!(out.contains("folder not searched: the folder is owned by another user (uid 4321)"), "{out}");
}

// ---- A second plugin claiming .pdf beside the binary.

#[test]
fn a_second_plugin_for_pdf_beside_the_binary_does_not_take_over_and_plugin_chooses() {
    let home = tmp();
    let prefix = tmp();
    let binary = prefix.path().join("nianbao");
    std::fs::copy(bin(), &binary).unwrap();
    for e in std::fs::read_dir(bin().parent().unwrap()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("libnianbao_") && name.ends_with(".so") {
            std::fs::copy(&p, prefix.path().join(&name)).unwrap();
        }
    }
    // Sorted before `libnianbao_pdf.so`, so search order alone would pick it.
    std::fs::copy(unruly(), prefix.path().join("libnianbao_aaa.so")).unwrap();
    let cmd = || {
        let mut c = Command::new(&binary);
        c.env_remove("NIANBAO_PLUGIN_PATH")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"));
        c
    };
    let pdf = fixture("s1-r001-pdf-lo.pdf");
    let o = run(cmd().arg("convert").arg(&pdf).args(["-t", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(model(serde_json::from_slice(&o.stdout).unwrap()), read_truth(fixture("s1-r001-pdf-lo.truth.json")));
    let e = stderr(&o);
    assert!(e.contains("warning: plugins `pdf`, `unruly` all read .pdf; `pdf` is used"), "{e}");
    assert!(e.contains("choose with --plugin NAME"), "{e}");
    // Asked for by name, the other one reads.
    let o = run(cmd().arg("convert").arg(&pdf).args(["-t", "json", "--plugin", "unruly"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("read by the unruly test plugin"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning: plugins"), "the choice was made: {}", stderr(&o));
    let o = run(cmd().arg("convert").arg(&pdf).args(["-t", "json", "--plugin", "nosuch"]));
    assert_eq!(o.status.code(), Some(64));
    assert!(stderr(&o).contains("no plugin named `nosuch`; the plugins found are: "), "{}", stderr(&o));
    let listed = stdout(&run(cmd().arg("plugins")));
    assert!(listed.contains("conflict: plugins `pdf`, `unruly` all read .pdf"), "{listed}");
}

// ---- `convert a.html a.pdf --to pdf -o .` and outputs that are not regular files.

#[test]
fn a_batch_that_would_overwrite_one_of_its_inputs_reads_nothing() {
    let home = tmp();
    let dir = tmp();
    let html = dir.path().join("a.html");
    std::fs::copy(fixture("s1-r001-html-table.html"), &html).unwrap();
    let pdf = dir.path().join("a.pdf");
    std::fs::copy(fixture("s1-r001-pdf-lo.pdf"), &pdf).unwrap();
    let before = std::fs::read(&pdf).unwrap();
    let o = run(nianbao(home.path())
        .current_dir(dir.path())
        .args(["convert", "a.html", "a.pdf", "--to", "pdf", "-o", "."]));
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(stderr(&o).contains("would both be written to ./a.pdf"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    // Alone, the PDF would still be written over itself.
    let o = run(nianbao(home.path()).current_dir(dir.path()).args(["convert", "a.pdf", "--to", "pdf", "-o", "."]));
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(stderr(&o).contains("writing it would replace the input"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn a_fifo_or_a_device_as_output_is_written_to_not_replaced() {
    let home = tmp();
    let dir = tmp();
    let r = txt_report(dir.path());
    let fifo = dir.path().join("out.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = run(nianbao(home.path()).arg("convert").arg(&r).args(["-t", "json", "-o"]).arg(&fifo));
    assert!(o.status.success(), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert_eq!(got["model"], "nianbao.report/1");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
    let o = run(nianbao(home.path()).arg("convert").arg(&r).args(["-t", "json", "-o", "/dev/null"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device(), "/dev/null stays a device");
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".nianbao-"))
        .collect()
}

#[test]
fn a_run_killed_while_writing_leaves_no_temporary_file() {
    let home = tmp();
    let dir = tmp();
    let input = fixture("s1-r001-docx.truth.json");
    // Killed at a spread of moments, from before the write to after it.
    for delay_ms in [0u64, 2, 4, 6, 8, 10, 15, 20, 30, 50] {
        let out = dir.path().join(format!("r{delay_ms}.pdf"));
        let mut child = nianbao(home.path())
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "killed after {delay_ms} ms");
        if let Ok(bytes) = std::fs::read(&out) {
            assert!(
                bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                "a complete file or none"
            );
        }
    }
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    let home = tmp();
    let dir = tmp();
    let r = txt_report(dir.path());
    let out = tmp();
    // What a run without O_TMPFILE leaves when killed: a process id that is not running.
    let stale = out.path().join(".nianbao-4194999-x1Yz");
    let recent = out.path().join(".nianbao-4194998-aBcD");
    std::fs::write(&stale, b"half").unwrap();
    std::fs::write(&recent, b"half").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(old).unwrap();
    let o = run(nianbao(home.path()).arg("convert").arg(&r).arg("-o").arg(out.path().join("r.json")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "a stale temporary file is removed");
    assert!(recent.exists(), "one less than a minute old may belong to a live writer and is kept");
}

// ---- Inputs without end, too large, and empty.

#[test]
fn inputs_without_end_or_too_large_are_refused_at_the_limit() {
    let home = tmp();
    let o = run(nianbao(home.path()).args(["convert", "/dev/zero", "-f", "txt", "-t", "json", "--max-input-mb", "2"]));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), "error: /dev/zero: larger than the input limit of 2 MiB; --max-input-mb allows more");
    // An endless pipe on standard input.
    let mut child = nianbao(home.path())
        .args(["convert", "-", "-f", "txt", "-t", "json", "--max-input-mb", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let block = vec![b'x'; 65536];
        while stdin.write_all(&block).is_ok() {}
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>: larger than the input limit of 1 MiB"), "{}", stderr(&o));
    // A file that says its size is refused before it is read: a sparse 300 MiB file.
    let dir = tmp();
    let big = dir.path().join("big.txt");
    std::fs::File::create(&big).unwrap().set_len(300 << 20).unwrap();
    let o = run(nianbao(home.path()).arg("convert").arg(&big).args(["-t", "json"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("big.txt: larger than the input limit of 256 MiB"), "{}", stderr(&o));
}

#[test]
fn an_empty_input_is_an_error() {
    let home = tmp();
    let dir = tmp();
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", b" \n\n \r\n")] {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        for cmd in ["convert", "validate"] {
            let mut c = nianbao(home.path());
            c.arg(cmd).arg(&f);
            if cmd == "convert" {
                c.args(["-t", "json"]);
            }
            let o = run(&mut c);
            assert_eq!(o.status.code(), Some(2), "{cmd} {name}: {}", stdout(&o));
            assert!(stderr(&o).contains(&format!("{name}: the file is empty")), "{cmd}: {}", stderr(&o));
        }
    }
}
