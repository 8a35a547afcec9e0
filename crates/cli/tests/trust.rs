//! Issue 12, "a CLI a pandoc user trusts": one test (or more) for each row of its table, each
//! asserting the exit status, the message, and the files on disk before and after.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A copy of seed 001 (a gb2019 report with all three tables) under `dir` as `name`.
fn report_in(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::copy(seed("001"), &p).unwrap();
    p
}

/// Every file under `dir`, as paths relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

// ---- Row 1: `convert x.docx -o x.docx`, a batch whose output folder is its input folder.

#[test]
fn an_output_that_is_its_own_input_is_refused_and_the_file_kept() {
    let home = tmp();
    let dir = tmp();
    let r = report_in(dir.path(), "r.txt");
    let before = std::fs::read(&r).unwrap();
    // The same file under its own name, another spelling of it, and a hard link to it.
    let link = dir.path().join("link.txt");
    std::fs::hard_link(&r, &link).unwrap();
    for out in [r.clone(), dir.path().join(".").join("r.txt"), link.clone()] {
        let o = run(nianbao(home.path()).arg("convert").arg(&r).arg("-o").arg(&out));
        assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("writing it would replace the input") && e.contains("--force"), "{e}");
        assert_eq!(std::fs::read(&r).unwrap(), before);
    }
    // --force writes over it: the text writer's official layout, not the scraped text.
    let o = run(nianbao(home.path()).arg("convert").arg(&r).arg("-o").arg(&r).arg("--force"));
    assert!(o.status.success(), "{}", stderr(&o));
    let after = std::fs::read_to_string(&r).unwrap();
    assert!(after.starts_with("---\n") && after.as_bytes() != before, "{}", &after[..200]);
}

#[test]
fn a_batch_writing_into_its_input_folder_is_refused_before_anything_is_read() {
    let home = tmp();
    let dir = tmp();
    let a = report_in(dir.path(), "a.txt");
    let b = report_in(dir.path(), "b.txt");
    let before = files(dir.path());
    // Listed files, and the folder itself.
    let runs: [Vec<PathBuf>; 2] = [vec![a.clone(), b.clone()], vec![dir.path().to_path_buf()]];
    for inputs in runs {
        let o = run(nianbao(home.path()).arg("convert").args(&inputs).args(["--to", "txt", "-o"]).arg(dir.path()));
        assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("a.txt: writing it would replace the input") && e.contains("nothing was converted"), "{e}");
        assert_eq!(files(dir.path()), before, "nothing written");
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(seed("001")).unwrap());
    }
    // Into the same folder in another format is fine, and a second run of it is refused:
    // the first run's outputs are now inputs of the folder.
    let o = run(nianbao(home.path()).arg("convert").arg(dir.path()).args(["--to", "json", "-o"]).arg(dir.path()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(dir.path()), ["a.json", "a.txt", "b.json", "b.txt"]);
    let o = run(nianbao(home.path()).arg("convert").arg(dir.path()).args(["--to", "json", "-o"]).arg(dir.path()));
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
}

// ---- Row 2: binary output on a terminal.

/// A pseudo-terminal: the child's stdout is its slave side; what it prints is read from the
/// master side on a thread, to the end.
#[cfg(target_os = "linux")]
fn on_a_terminal(cmd: &mut Command) -> (Option<i32>, Vec<u8>, String) {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let (master, slave) = unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(m >= 0 && libc::grantpt(m) == 0 && libc::unlockpt(m) == 0, "no pseudo-terminal");
        let name = std::ffi::CStr::from_ptr(libc::ptsname(m)).to_owned();
        let s = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(s >= 0);
        (std::fs::File::from_raw_fd(m), std::fs::File::from_raw_fd(s))
    };
    let child = cmd.stdout(Stdio::from(slave)).stderr(Stdio::piped()).spawn().unwrap();
    // The Command keeps the slave side open until told otherwise: the master would never see
    // the end.
    cmd.stdout(Stdio::null());
    let reader = std::thread::spawn(move || {
        let mut master = master;
        let mut got = Vec::new();
        let mut buf = [0u8; 65536];
        // EIO once the child has closed its side.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        got
    });
    let o = child.wait_with_output().unwrap();
    (o.status.code(), reader.join().unwrap(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[cfg(target_os = "linux")]
#[test]
fn binary_output_is_not_sprayed_on_a_terminal() {
    let home = tmp();
    let json = fixture("s1-r001-docx.truth.json");
    let (code, shown, err) = on_a_terminal(nianbao(home.path()).arg("convert").arg(&json).args(["--to", "pdf"]));
    assert_eq!(code, Some(64), "{err}");
    assert_eq!(
        err,
        "error: pdf is a binary format: not writing it to the terminal; say -o FILE, or -o - to write it to \
         standard output anyway\n"
    );
    assert!(shown.is_empty(), "nothing on the terminal");
    // `-o -` forces it; text formats go to the terminal as they are.
    let (code, shown, err) =
        on_a_terminal(nianbao(home.path()).arg("convert").arg(&json).args(["--to", "pdf", "-o", "-"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(shown.starts_with(b"%PDF-"), "{:?}", &shown[..20.min(shown.len())]);
    let (code, shown, _) = on_a_terminal(nianbao(home.path()).arg("convert").arg(&json).args(["--to", "json"]));
    assert_eq!(code, Some(0));
    assert!(String::from_utf8_lossy(&shown).contains("\"model\": \"nianbao.report/1\""));
}

// ---- Row 3: broken pipes.

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_141() {
    let home = tmp();
    let commands: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["validate".into(), seed("003").into()],
        vec!["validate".into(), "--json".into(), seed("003").into()],
        vec!["plugins".into()],
        vec!["plugins".into(), "--json".into()],
        vec!["schema".into()],
        vec!["inspect".into(), seed("003").into()],
        vec!["convert".into(), seed("003").into(), "--to".into(), "json".into()],
        vec!["--list-input-formats".into()],
        vec!["completions".into(), "bash".into()],
        vec!["man".into()],
    ];
    for args in commands {
        // The reading end is closed before the command starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = nianbao(home.path()).args(&args).stdout(writer).stderr(Stdio::piped()).output().unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(141), "{args:?}: {e}");
        assert!(!e.contains("panicked") && !e.contains("Broken pipe"), "{args:?}: {e}");
    }
}

// ---- Row 4: `-o -` with several inputs.

#[test]
fn several_reports_on_standard_output_are_json_lines_and_no_folder_named_dash_is_made() {
    let home = tmp();
    let cwd = tmp();
    let o = run(nianbao(home.path())
        .current_dir(cwd.path())
        .arg("convert")
        .arg(seed("001"))
        .arg(seed("003"))
        .args(["--to", "json", "-o", "-"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["meta"]["agency"], "金华市金东区行政服务中心");
    assert_eq!(lines[1]["meta"]["agency"], "晋江市龙湖镇人民政府");
    assert_eq!(files(cwd.path()), Vec::<String>::new(), "no `-` folder");
    // Without -o, the same.
    let o = run(nianbao(home.path()).arg("convert").arg(seed("001")).arg(seed("003")).args(["--to", "json"]));
    assert_eq!(stdout(&o).lines().count(), 2);
    // Another format cannot be concatenated: refused before reading.
    let o = run(nianbao(home.path())
        .current_dir(cwd.path())
        .arg("convert")
        .arg(seed("001"))
        .arg(seed("003"))
        .args(["--to", "txt", "-o", "-"]));
    assert_eq!(o.status.code(), Some(64));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("several inputs go to standard output only as JSON Lines (--to json)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(cwd.path()), Vec::<String>::new());
}

// ---- Row 5: a batch with `--to foo`.

#[test]
fn an_unknown_output_format_is_one_error_before_any_input_is_read() {
    let home = tmp();
    let dir = tmp();
    let mut inputs: Vec<PathBuf> = (0..93).map(|i| report_in(dir.path(), &format!("r{i:02}.txt"))).collect();
    inputs.push(dir.path().join("does-not-exist.txt"));
    let out = dir.path().join("out");
    let o = run(nianbao(home.path()).arg("convert").args(&inputs).args(["--to", "foo", "-o"]).arg(&out));
    assert_eq!(o.status.code(), Some(64));
    assert_eq!(
        stderr(&o),
        "error: cannot write `foo`: no plugin writes it; formats that can be written: json, csv, docx, html, pdf, \
         text, xlsx\n",
        "one line, naming no input (the missing one was not even looked at)"
    );
    assert!(!out.exists());
}

// ---- Row 6: validate with nothing to check.

#[test]
fn validate_says_when_there_is_nothing_to_check() {
    let home = tmp();
    let dir = tmp();
    // (An empty file is an error, not a report without tables: see hardening.rs.)
    let empty = dir.path().join("no-tables.txt");
    std::fs::write(&empty, "某某县人民政府2023年政府信息公开工作年度报告\n\n本年度无统计数据。\n").unwrap();
    for file in [seed("000"), empty.clone()] {
        let o = run(nianbao(home.path()).arg("validate").arg(&file));
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("{}: no statistics tables found: nothing to check\n", file.display()));
    }
    let o = run(nianbao(home.path()).args(["validate", "--json"]).arg(&empty));
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["status"], "nothing_to_check");
    // With a report that has findings, the findings decide.
    let o = run(nianbao(home.path()).arg("validate").arg(&empty).arg(seed("003")));
    assert_eq!(o.status.code(), Some(1));
}

// ---- Row 7: findings by the template's labels.

#[test]
fn findings_name_rows_and_columns_by_the_templates_labels() {
    let home = tmp();
    let dir = tmp();
    let mut r = read_truth(fixture("s1-r001-html-table.truth.json"));
    r["tables"]["applications"]["rows"]["denied.inquiry"]["natural_person"] = 1.into();
    r["tables"]["applications"]["rows"].as_object_mut().unwrap().remove("unavailable.unclear");
    let file = dir.path().join("r.json");
    std::fs::write(&file, r.to_string()).unwrap();
    let o = run(nianbao(home.path()).arg("validate").arg(&file));
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let rule2 = out.lines().find(|l| l.contains("rule 2 violation") && l.contains("[natural_person]")).unwrap();
    assert!(
        rule2.starts_with("  rule 2 violation: 依申请公开 column 自然人 [natural_person]: (七)总计 [total] 132 but"),
        "{rule2}"
    );
    assert!(rule2.contains("(三)不予公开/8.属于行政查询事项 [denied.inquiry] 1"), "{rule2}");
    assert!(!rule2.contains("denied.state_secret"), "rows at 0 are counted, not listed: {rule2}");
    assert!(out.contains(
        "  rule 0 warning: 依申请公开: the row (四)无法提供/3.补正后申请内容仍不明确 [unavailable.unclear] is not printed"
    ));
}

// ---- Row 8: every input in validate's JSON.

#[test]
fn validate_json_lists_every_input_unreadable_ones_included() {
    let home = tmp();
    let good = fixture("s1-r001-html-table.truth.json");
    let o = run(nianbao(home.path()).args(["validate", "--json"]).arg(&good).arg("missing.pdf"));
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["files"][0], good.display().to_string());
    assert_eq!(entries[0]["status"], "ok");
    assert_eq!(entries[1]["files"][0], "missing.pdf");
    assert_eq!(entries[1]["status"], "unreadable");
    assert_eq!(entries[1]["error"], "missing.pdf: cannot read: no such file");
    // The old spelling gives the same.
    let old = run(nianbao(home.path()).args(["validate", "--format", "json"]).arg(&good).arg("missing.pdf"));
    assert_eq!(old.stdout, o.stdout);
}

// ---- Row 9: same names in two folders; folders as inputs.

#[test]
fn same_names_in_two_folders_keep_their_folders() {
    let home = tmp();
    let dir = tmp();
    let a = report_in(dir.path(), "a/r.txt");
    let b = report_in(dir.path(), "b/r.txt");
    let out = dir.path().join("out");
    let o = run(nianbao(home.path()).arg("convert").arg(&a).arg(&b).args(["--to", "json", "-o"]).arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), ["a/r.json", "b/r.json"]);
    // What cannot be told apart is refused, naming both, and nothing is written.
    let c = report_in(dir.path(), "a/r.text");
    let o = run(nianbao(home.path())
        .arg("convert")
        .arg(&a)
        .arg(&c)
        .args(["--to", "json", "-o"])
        .arg(dir.path().join("o2")));
    assert_eq!(o.status.code(), Some(64));
    assert!(stderr(&o).contains("r.txt and ") && stderr(&o).contains("would both be written to"), "{}", stderr(&o));
    assert!(!dir.path().join("o2").exists());
}

#[test]
fn a_folder_is_searched_recursively_and_its_structure_kept() {
    let home = tmp();
    let dir = tmp();
    let src = dir.path().join("reports");
    report_in(&src, "2022/x.txt");
    report_in(&src, "2023/deep/x.txt");
    report_in(&src, ".hidden/y.txt");
    std::fs::write(src.join("2022/notes.bin"), b"\x00\x01").unwrap();
    let out = src.join("json");
    let o = run(nianbao(home.path()).arg("convert").arg(&src).args(["--to", "json", "-o"]).arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), ["2022/x.json", "2023/deep/x.json"], "hidden folders and unreadable files left out");
    assert!(stderr(&o).contains("converted 2 of 2 files"), "{}", stderr(&o));
    // The output folder, inside the searched one, is not searched on the next run.
    let o = run(nianbao(home.path()).arg("convert").arg(&src).args(["--to", "json", "-o"]).arg(&out));
    assert!(o.status.success() && stderr(&o).contains("converted 2 of 2 files"), "{}", stderr(&o));
    // A folder with nothing readable is an error.
    let none = dir.path().join("none");
    std::fs::create_dir_all(&none).unwrap();
    let o = run(nianbao(home.path()).arg("convert").arg(&none).args(["--to", "json", "-o"]).arg(dir.path().join("o")));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("none: the folder holds no file of a format that can be read"), "{}", stderr(&o));
}

// ---- Row 10: options.

#[test]
fn unknown_options_are_refused_naming_the_known_ones_and_plugins_lists_them() {
    let home = tmp();
    let dir = tmp();
    let out = dir.path().join("r.pdf");
    let o = run(nianbao(home.path()).arg("convert").arg(seed("001")).arg("-o").arg(&out).args(["-O", "nosuch=1"]));
    assert_eq!(o.status.code(), Some(64));
    assert_eq!(
        stderr(&o),
        "error: unknown option `nosuch` (known here: pdf writer: font; text reader: max-cells, max-cell-chars, max-blocks); \
         `nianbao plugins` lists every plugin's options\n"
    );
    assert!(!out.exists());
    // A known one goes through to the plugin, which checks its value.
    let o = run(nianbao(home.path()).arg("convert").arg(seed("001")).args(["--to", "json", "-O", "inspect=true"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = stdout(&run(nianbao(home.path()).arg("plugins")));
    assert!(listed.contains("-O font=…  writer: a TrueType/OpenType font"), "{listed}");
    assert!(listed.contains("-O max-cells=…  reader: "), "{listed}");
    assert!(listed.contains("every reader: -O inspect=…"), "{listed}");
    let v: serde_json::Value =
        serde_json::from_slice(&run(nianbao(home.path()).args(["plugins", "--json"])).stdout).unwrap();
    let pdf = v["plugins"].as_array().unwrap().iter().find(|p| p["name"] == "pdf").unwrap();
    let font = pdf["options"].as_array().unwrap().iter().find(|o| o["name"] == "font").unwrap();
    assert_eq!((font["read"].clone(), font["write"].clone()), (false.into(), true.into()));
}

// ---- Row 11: pandoc's flags, one --json.

#[test]
fn pandocs_short_flags_and_verbosity() {
    let home = tmp();
    let dir = tmp();
    let o = run(nianbao(home.path()).arg("convert").arg(seed("001")).args(["-f", "text", "-t", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["meta"]["year"], 2021);
    let out = dir.path().join("out");
    let batch = |flag: Option<&str>| {
        let mut c = nianbao(home.path());
        c.arg("convert").arg(seed("001")).arg(seed("003")).args(["-t", "json", "-o"]).arg(&out);
        if let Some(f) = flag {
            c.arg(f);
        }
        stderr(&run(&mut c))
    };
    assert!(batch(None).contains("converted 2 of 2 files"));
    assert_eq!(batch(Some("-q")), "", "quiet");
    let loud = batch(Some("-v"));
    assert!(loud.contains(&format!("{} → ", seed("001").display())) && loud.contains("(read as text)"), "{loud}");
    assert!(loud.contains("note: ") && loud.contains(": recognize: "), "{loud}");
    let o = run(nianbao(home.path()).args(["convert", "-v", "-q"]).arg(seed("001")));
    assert_eq!(o.status.code(), Some(64), "-v and -q conflict");
}

#[test]
fn formats_are_listed_as_pandoc_lists_them() {
    let home = tmp();
    let o = run(nianbao(home.path()).arg("--list-input-formats"));
    assert!(o.status.success());
    // Own plugins first, in file order; `doc` is not yet among them (crates/plugin's
    // OWN_PLUGINS): once it is, doc and wps come between csv and docx.
    assert_eq!(stdout(&o), "json\ncsv\ndoc\nwps\ndocx\nhtml\npdf\ntext\nxlsx\nxlsm\nxls\net\nods\n");
    let o = run(nianbao(home.path()).arg("--list-output-formats"));
    assert_eq!(stdout(&o), "json\ncsv\ndocx\nhtml\npdf\ntext\nxlsx\n");
}

#[test]
fn usage_errors_are_64_and_help_is_0() {
    let home = tmp();
    for args in [&["convert"][..], &["validate"], &["frobnicate"], &["convert", "x", "--nosuch"], &[]] {
        let o = run(nianbao(home.path()).args(args));
        assert_eq!(o.status.code(), Some(64), "{args:?}: {}", stderr(&o));
    }
    for args in [&["--help"][..], &["convert", "--help"], &["--version"]] {
        let o = run(nianbao(home.path()).args(args));
        assert_eq!(o.status.code(), Some(0), "{args:?}");
    }
}

// ---- Row 12: help text, completions, the manual page.

#[test]
fn every_argument_has_help_text() {
    let home = tmp();
    for cmd in ["convert", "validate", "inspect", "plugins", "schema", "completions", "man"] {
        let help = stdout(&run(nianbao(home.path()).args([cmd, "--help"])));
        let args: Vec<&str> = help.lines().skip_while(|l| !l.ends_with(':')).collect();
        // An argument's line is `  -x, --name <V>  text` or `  <NAME>  text`, or the text on
        // the lines below it (long help).
        for (i, line) in args.iter().enumerate() {
            let t = line.trim_start();
            if line.starts_with("  ") && !line.starts_with("      ") && (t.starts_with('-') || t.starts_with('<')) {
                let same_line = t.split("  ").filter(|s| !s.trim().is_empty()).count() > 1;
                let next = args.get(i + 1).is_some_and(|n| n.starts_with("          ") && !n.trim().is_empty());
                assert!(same_line || next, "`nianbao {cmd}`: no help for {t}\n{help}");
            }
        }
    }
}

#[test]
fn completions_and_the_manual_page() {
    let home = tmp();
    let o = run(nianbao(home.path()).args(["completions", "bash"]));
    assert!(o.status.success());
    let bash = stdout(&o);
    assert!(bash.contains("_nianbao()") && bash.contains("--list-input-formats") && bash.contains("convert"));
    for shell in ["zsh", "fish"] {
        assert!(run(nianbao(home.path()).args(["completions", shell])).status.success());
    }
    let o = run(nianbao(home.path()).arg("man"));
    let page = stdout(&o);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH nianbao 1"), "{}", &page[..200]);
    assert!(page.contains(".TH nianbao 1") && page.contains("convert"));
}

// ---- Row 13: an installed binary, and one without its plugins.

fn copy_plugins(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(bin().parent().unwrap()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("libnianbao_") && name.ends_with(".so") {
            std::fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

#[test]
fn an_installed_binary_finds_its_plugins_and_one_without_says_where_it_looked() {
    let home = tmp();
    let prefix = tmp();
    let elsewhere = tmp();
    std::fs::create_dir_all(prefix.path().join("bin")).unwrap();
    let installed = prefix.path().join("bin/nianbao");
    std::fs::copy(bin(), &installed).unwrap();
    let plugins = prefix.path().join("lib/nianbao/plugins");
    copy_plugins(&plugins);
    let pdf = fixture("s1-r001-pdf-lo.pdf");
    let cmd = |home: &Path| {
        let mut c = Command::new(&installed);
        c.current_dir(elsewhere.path())
            .env_remove("NIANBAO_PLUGIN_PATH")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"));
        c
    };
    let o = run(cmd(home.path()).arg("convert").arg(&pdf).args(["--to", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(model(got), read_truth(fixture("s1-r001-pdf-lo.truth.json")));
    let listed = stdout(&run(cmd(home.path()).arg("plugins")));
    assert!(listed.contains(&format!("{} (installed with the binary)", plugins.display())), "{listed}");
    // Without its plugin folder: the folders searched, and how to install.
    std::fs::remove_dir_all(&plugins).unwrap();
    let fresh = tmp();
    let o = run(cmd(fresh.path()).arg("convert").arg(&pdf).args(["--to", "json"]));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("s1-r001-pdf-lo.pdf: no plugin reads .pdf files"), "{e}");
    assert!(e.contains(&format!("{} (missing)", plugins.display())), "{e}");
    assert!(e.contains(&prefix.path().join("bin").display().to_string()), "{e}");
    assert!(e.contains("scripts/install.sh --prefix PREFIX"), "{e}");
    let o = run(cmd(fresh.path()).arg("convert").arg(fixture("s1-r001-docx.truth.json")).args(["--to", "pdf"]));
    assert_eq!(o.status.code(), Some(64));
    assert!(
        stderr(&o).contains("formats that can be written: json (no plugins were found: searched"),
        "{}",
        stderr(&o)
    );
}

// ---- Row 14: the README's links.

#[test]
fn the_readmes_links_point_to_files_that_exist() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut n = 0;
    for part in readme.split("](").skip(1) {
        let target = part.split(')').next().unwrap().split('#').next().unwrap();
        if target.is_empty() || target.contains("://") {
            continue;
        }
        assert!(repo().join(target).exists(), "README.md links to {target}, which is not in the repository");
        n += 1;
    }
    assert!(readme.contains("(docs/report-model.md)"), "the report model is linked");
    assert!(n >= 5);
}

// ---- Recognition's grade (filled by recognize; here from a report that carries one).

#[test]
fn convert_warns_when_recognition_needs_review_and_inspect_shows_each_point() {
    let home = tmp();
    let dir = tmp();
    let mut r = read_truth(fixture("s1-r001-html-table.truth.json"));
    r["recognition"] = serde_json::json!({ "grade": "review" });
    let apps = &mut r["tables"]["applications"];
    apps["review_notes"] = serde_json::json!([
        { "kind": "fuzzy_label", "key": "denied.prohibited_by_law", "printed": "2.其他法律行政止公开", "note": "matched approximately" },
        { "kind": "fuzzy_label", "key": "denied.inquiry", "printed": "8.属于行政查询事", "note": "matched approximately" },
        { "kind": "missing", "key": "unavailable.unclear", "note": "not printed" }
    ]);
    apps["missing"] = serde_json::json!(["unavailable.unclear"]);
    apps["unplaced"] = serde_json::json!([{ "label": "合计", "values": ["3", "4"], "reason": "no such row", "source": { "page": 2 } }]);
    apps["provenance"] =
        serde_json::json!({ "granted.total": { "text": "59", "page": 2, "bbox": [90.0, 72.0, 100.5, 80.0] } });
    let file = dir.path().join("r.json");
    std::fs::write(&file, r.to_string()).unwrap();
    let o = run(nianbao(home.path()).arg("convert").arg(&file).args(["--to", "txt"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let name = file.display();
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {name}: recognition needs review: 2 labels matched approximately, 1 row missing, 1 row of \
             numbers unplaced (nianbao inspect {name} shows each)\n"
        )
    );
    let o = run(nianbao(home.path()).arg("convert").arg(&file).args(["--to", "txt", "-q"]));
    assert_eq!(stderr(&o), "");
    let out = stdout(&run(nianbao(home.path()).arg("inspect").arg(&file)));
    for line in [
        "recognition: review",
        "    missing   (四)无法提供/3.补正后申请内容仍不明确 [unavailable.unclear]",
        "    review    fuzzy_label [denied.prohibited_by_law] “2.其他法律行政止公开”: matched approximately",
        "    unplaced  “合计” 3 | 4: no such row (page 2)",
        "    cell      granted.total “59” page 2 at (90.0, 72.0)–(100.5, 80.0)",
    ] {
        assert!(out.lines().any(|l| l == line), "missing `{line}` in\n{out}");
    }
}
