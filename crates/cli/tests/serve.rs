//! `nianbao serve`: the API on fixtures (open, validate in Chinese, write and read back), 50
//! uploads at once, good and bad, the upload limit, nothing written to disk; and the page in a
//! real browser (headless Chromium through WebDriver): open a fixture PDF, see its numbers,
//! break a rule and see it, fix it, download DOCX and PDF and read them back.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `nianbao serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    _home: tempfile::TempDir,
    cwd: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    serve_with(&[], args, None)
}

/// `nianbao GLOBAL… serve --port 0 ARGS…`, with plugins also from `plugin_path`.
fn serve_with(global: &[&str], args: &[&str], plugin_path: Option<&Path>) -> Server {
    let home = tmp();
    let cwd = tmp();
    let mut cmd = nianbao(home.path());
    if let Some(p) = plugin_path {
        cmd.env("NIANBAO_PLUGIN_PATH", p);
    }
    let mut child = cmd
        .current_dir(cwd.path())
        .args(global)
        .args(["serve", "--port", "0"])
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("nianbao serve: ")
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, url, _home: home, cwd }
}

fn post(url: &str, body: &[u8]) -> (u16, Vec<u8>) {
    match ureq::post(url).send_bytes(body) {
        Ok(r) => (r.status(), read(r)),
        Err(ureq::Error::Status(code, r)) => (code, read(r)),
        Err(e) => panic!("{url}: {e}"),
    }
}

fn read(r: ureq::Response) -> Vec<u8> {
    let mut v = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut v).unwrap();
    v
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn open(s: &Server, path: &Path) -> (u16, Value) {
    let name = path.file_name().unwrap().to_string_lossy();
    let (code, body) = post(&format!("{}/api/open?name={name}", s.url), &std::fs::read(path).unwrap());
    (code, json_of(&body))
}

/// A report as the truths write it: without its grade or its cells' provenance.
fn plain(v: &Value) -> Value {
    let mut v = model(v.clone());
    for t in ["active_disclosure", "applications", "review_litigation"] {
        if let Some(o) = v["tables"][t].as_object_mut() {
            o.remove("provenance");
        }
    }
    v
}

/// Equal, or a panic that names what differs without printing two whole reports.
fn same(got: &Value, want: &Value, what: &str) {
    if got != want {
        let keys = ["meta", "sections", "tables"];
        let differ: Vec<&str> = keys.iter().copied().filter(|k| got[k] != want[k]).collect();
        let mut detail = Vec::new();
        for t in ["active_disclosure", "applications", "review_litigation"] {
            let (g, w) = (&got["tables"][t], &want["tables"][t]);
            if g != w {
                let gk: Vec<&String> = g.as_object().map(|o| o.keys().collect()).unwrap_or_default();
                let wk: Vec<&String> = w.as_object().map(|o| o.keys().collect()).unwrap_or_default();
                detail.push(format!("{t}: keys {gk:?} vs {wk:?}"));
            }
        }
        panic!("{what}: differs in {differ:?}; {detail:?}");
    }
}

fn truth(name: &str) -> Value {
    read_truth(fixture(&format!("{name}.truth.json")))
}

#[test]
fn the_api_opens_every_format_validates_in_chinese_and_writes_what_reads_back() {
    let s = serve(&[]);
    for name in ["s1-r001-pdf-lo", "s1-r002-docx", "s1-r003-xlsx", "s1-r004-html-table"] {
        let file = std::fs::read_dir(repo().join("tests/fixtures/reports"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_stem().unwrap().to_string_lossy() == name && !p.to_string_lossy().ends_with(".json"))
            .unwrap();
        let (code, v) = open(&s, &file);
        assert_eq!(code, 200, "{name}: {v}");
        same(&plain(&v["report"]), &truth(name), name);
        assert!(v["id"].as_str().is_some_and(|i| i.starts_with('d')));
    }
    // Validation: a total one too high breaks rules 2 and 3, said in the template's words.
    let mut r = truth("s1-r001-pdf-lo");
    let good = r["tables"]["applications"]["rows"]["granted"]["total"].as_f64().unwrap();
    r["tables"]["applications"]["rows"]["total"]["natural_person"] =
        json!(r["tables"]["applications"]["rows"]["total"]["natural_person"].as_i64().unwrap() + 1);
    let (code, body) = post(&format!("{}/api/validate", s.url), &serde_json::to_vec(&json!({ "report": r })).unwrap());
    assert_eq!(code, 200);
    let findings = json_of(&body)["findings"].as_array().unwrap().clone();
    let violations: Vec<&Value> = findings.iter().filter(|f| f["severity"] == "violation").collect();
    let rules: Vec<u64> = violations.iter().map(|f| f["rule"].as_u64().unwrap()).collect();
    assert!(rules.contains(&1) && rules.contains(&2) && rules.contains(&3), "{findings:?}");
    let rule1 = violations.iter().find(|f| f["rule"] == 1).unwrap();
    let chinese = rule1["chinese"].as_str().unwrap();
    assert!(chinese.starts_with("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和（"), "{chinese}");
    assert!(rule1["cells"].as_array().unwrap().contains(&json!("applications.total.natural_person")));
    // The previous year's report beside it: its carried forward against this year's carried over.
    let mut prev = truth("s1-r001-pdf-lo");
    prev["meta"]["year"] = json!(prev["meta"]["year"].as_i64().unwrap() - 1);
    prev["tables"]["applications"]["rows"]["carried_forward"]["total"] = json!(99);
    let body = serde_json::to_vec(&json!({ "report": truth("s1-r001-pdf-lo"), "previous": prev })).unwrap();
    let (code, body) = post(&format!("{}/api/validate", s.url), &body);
    assert_eq!(code, 200);
    let years: Vec<Value> =
        json_of(&body)["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == 7).cloned().collect();
    assert!(!years.is_empty(), "rule 7 across the two years");
    assert!(years[0]["chinese"].as_str().unwrap().starts_with("与上一年度报告不一致"), "{}", years[0]);
    // Written as DOCX and PDF, then opened again: the edited model, back.
    for to in ["docx", "pdf", "xlsx", "html"] {
        let (code, bytes) = post(&format!("{}/api/write?to={to}&name=r.pdf", s.url), &serde_json::to_vec(&r).unwrap());
        assert_eq!(code, 200, "{to}: {}", String::from_utf8_lossy(&bytes));
        let (code, body) = post(&format!("{}/api/open?name=r.{to}", s.url), &bytes);
        assert_eq!(code, 200, "{to}: {}", String::from_utf8_lossy(&body));
        same(&plain(&json_of(&body)["report"]), &model(r.clone()), to);
    }
    assert_eq!(r["tables"]["applications"]["rows"]["granted"]["total"].as_f64(), Some(good));
    // The source page of a cell: an SVG with the printed text in its box.
    let (_, v) = open(&s, &fixture("s1-r001-pdf-lo.pdf"));
    let p = &v["report"]["tables"]["applications"]["provenance"]["granted.total"];
    let page = ureq::get(&format!("{}/api/page?id={}&page={}", s.url, v["id"].as_str().unwrap(), p["page"]))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.starts_with("<svg") && page.contains(&format!(">{}</text>", p["text"].as_str().unwrap())), "{p}");
    // A spreadsheet's cell: its sheet as read, with the cell at the reference holding the text.
    let (_, v) = open(&s, &fixture("s1-r003-xlsx.xlsx"));
    let p = &v["report"]["tables"]["applications"]["provenance"]["granted.total"];
    let sheet = p["sheet"].as_str().unwrap();
    let id = v["id"].as_str().unwrap();
    let url = format!("{}/api/table?id={id}&sheet={}&cell={}", s.url, percent(sheet), p["cell"].as_str().unwrap());
    let t = json_of(&read(ureq::get(&url).call().unwrap()));
    let at: Vec<&Value> = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .filter(|c| c["source"]["cell"] == p["cell"])
        .collect();
    assert_eq!(at.len(), 1, "{p}");
    assert_eq!(at[0]["text"], p["text"]);
    // A blank template, and bad requests answered with clear errors.
    let blank = json_of(&read(ureq::get(&format!("{}/api/template?layout=gb2019", s.url)).call().unwrap()));
    assert_eq!(blank["tables"]["applications"]["rows"].as_object().unwrap().len(), 23);
    assert!(blank["tables"]["applications"]["rows"]["granted"]["total"].is_null());
    let (code, body) = post(&format!("{}/api/write?to=nosuch", s.url), &serde_json::to_vec(&r).unwrap());
    assert_eq!(code, 400);
    assert!(String::from_utf8_lossy(&body).contains("nosuch"), "{}", String::from_utf8_lossy(&body));
    let files: Vec<_> = std::fs::read_dir(s.cwd.path()).unwrap().collect();
    assert!(files.is_empty(), "the server wrote into its folder: {files:?}");
}

#[test]
fn fifty_uploads_at_once_good_and_bad_get_right_answers_or_clear_errors_and_the_limit_holds() {
    let s = serve(&[]);
    let dir = tmp();
    let mut jobs: Vec<(PathBuf, Option<Value>)> = Vec::new();
    for name in ["s1-r001-pdf-lo.pdf", "s1-r002-docx.docx", "s1-r003-xlsx.xlsx", "s1-r005-html-table.html"] {
        let stem = name.rsplit_once('.').unwrap().0;
        jobs.push((fixture(name), Some(truth(stem))));
    }
    let pdf = std::fs::read(fixture("s1-r001-pdf-lo.pdf")).unwrap();
    let docx = std::fs::read(fixture("s1-r002-docx.docx")).unwrap();
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("cut.pdf", pdf[..pdf.len() / 3].to_vec()),
        ("cut.docx", docx[..docx.len() / 2].to_vec()),
        ("noise.xlsx", (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect()),
        ("empty.txt", Vec::new()),
        ("nul.html", vec![0u8; 4096]),
    ];
    for (name, bytes) in &bad {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        jobs.push((p, None));
    }
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (path, expected) = jobs[i % jobs.len()].clone();
            let url = s.url.clone();
            std::thread::spawn(move || {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let (code, body) = post(&format!("{url}/api/open?name={name}"), &std::fs::read(&path).unwrap());
                let v = json_of(&body);
                match expected {
                    Some(t) => {
                        assert_eq!(code, 200, "{name}: {v}");
                        same(&plain(&v["report"]), &t, &name);
                    }
                    None => {
                        assert!(code == 400 || code == 422, "{name}: {code} {v}");
                        assert!(v["error"].as_str().unwrap().contains(&name), "{name}: {v}");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let small = serve(&["--max-upload-mb", "1"]);
    let (code, body) = post(&format!("{}/api/open?name=big.pdf", small.url), &vec![b' '; 2 << 20]);
    assert_eq!(code, 413);
    assert!(
        String::from_utf8_lossy(&body).contains("larger than the limit of 1 MiB"),
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[test]
fn an_upload_that_hangs_or_crashes_its_reader_stops_only_that_reading() {
    let s = serve_with(&["--plugin", "unruly"], &["--timeout", "2"], Some(&built_lib("unruly_plugin")));
    let url = s.url.clone();
    let started = std::time::Instant::now();
    let (code, body) = post(&format!("{url}/api/open?name=slow.pdf"), b"hang on");
    assert_eq!(code, 422);
    assert_eq!(
        json_of(&body)["error"],
        "slow.pdf: reading it took longer than 2 s and was stopped (nianbao serve --timeout)"
    );
    assert!(started.elapsed().as_secs() < 10);
    let (code, body) = post(&format!("{url}/api/open?name=bad.pdf"), b"abort now");
    assert_eq!(code, 422);
    assert!(
        json_of(&body)["error"].as_str().unwrap().starts_with("bad.pdf: the reader crashed on it (SIGABRT)"),
        "{}",
        json_of(&body)
    );
    // The server goes on: the next upload is read.
    let (code, body) = post(&format!("{url}/api/open?name=other.pdf"), b"%PDF-1.4 nothing");
    assert_eq!(code, 422);
    assert_eq!(json_of(&body)["error"], "other.pdf: read by the unruly test plugin, which reads nothing");
}

#[test]
fn another_address_than_loopback_is_warned_about() {
    let home = tmp();
    let mut child = nianbao(home.path())
        .args(["serve", "--port", "0", "--listen", "0.0.0.0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("warning: listening on 0.0.0.0: the page has no login"), "{line}");
}

// ---- the page in a real browser

struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    fn start(downloads: &Path) -> Option<Browser> {
        let (Ok(_), Ok(_)) = (which("chromedriver"), which("chromium")) else { return None };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let base = format!("http://127.0.0.1:{port}");
        let profile = tmp();
        let caps = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1400,1000", format!("--user-data-dir={}", profile.path().display())],
            "prefs": { "download.default_directory": downloads.display().to_string(),
                       "download.prompt_for_download": false,
                       // A second download from one page needs asking otherwise.
                       "profile.default_content_setting_values.automatic_downloads": 1 },
        }}}});
        let started = std::time::Instant::now();
        let session = loop {
            match ureq::post(&format!("{base}/session")).send_json(caps.clone()) {
                Ok(r) => break r.into_json::<Value>().unwrap()["value"]["sessionId"].as_str().unwrap().to_string(),
                Err(_) if started.elapsed().as_secs() < 20 => std::thread::sleep(std::time::Duration::from_millis(200)),
                Err(e) => panic!("chromedriver: {e}"),
            }
        };
        std::mem::forget(profile);
        Some(Browser { driver, base, session })
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let r = match method {
            "GET" => ureq::get(&url).call(),
            _ => ureq::post(&url).send_json(body),
        };
        match r {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(_, r)) => panic!("{path}: {}", r.into_string().unwrap()),
            Err(e) => panic!("{path}: {e}"),
        }
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", json!({ "script": js, "args": [] }))
    }

    fn find(&self, css: &str) -> String {
        let v = self.call("POST", "/element", json!({ "using": "css selector", "value": css }));
        v.as_object().unwrap().values().next().unwrap().as_str().unwrap().to_string()
    }

    fn keys(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/value"), json!({ "text": text }));
    }

    /// Waits until the script returns true.
    fn until(&self, what: &str, js: &str) {
        let started = std::time::Instant::now();
        while self.script(js) != json!(true) {
            assert!(started.elapsed().as_secs() < 20, "waited 20 s for {what}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

fn which(program: &str) -> std::io::Result<()> {
    Command::new("sh").arg("-c").arg(format!("command -v {program}")).output().and_then(|o| {
        if o.status.success() {
            Ok(())
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        }
    })
}

fn downloaded(dir: &Path, ext: &str) -> Vec<u8> {
    let started = std::time::Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext) && !p.to_string_lossy().ends_with(".crdownload"));
        if let Some(p) = found {
            return std::fs::read(p).unwrap();
        }
        assert!(started.elapsed().as_secs() < 20, "no .{ext} download in {}", dir.display());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_page_in_a_browser_shows_a_pdfs_numbers_flags_a_broken_rule_and_downloads_the_edit() {
    let downloads = tmp();
    let Some(b) = Browser::start(downloads.path()) else {
        skip(
            "the_page_in_a_browser_shows_a_pdfs_numbers_flags_a_broken_rule_and_downloads_the_edit",
            "needs chromium and chromedriver (scripts/install-test-tools.sh installs them)",
        );
        return;
    };
    let s = serve(&[]);
    b.call("POST", "/url", json!({ "url": format!("{}/", s.url) }));
    b.until("the blank template", "return !!document.querySelector('#t-applications input');");
    let pdf = fixture("s1-r001-pdf-lo.pdf").canonicalize().unwrap();
    b.keys("#open", &pdf.display().to_string());
    b.until("the PDF to open", "const s = document.getElementById('status').textContent; return s.includes('s1-r001-pdf-lo.pdf') && !s.includes('正在读取');");
    let t = truth("s1-r001-pdf-lo");
    let cell = |key: &str| format!("document.querySelector('input[aria-label=\"{key}\"]')");
    // Every number cell of the three tables shows the truth's value.
    let shown = b.script(
        "const m = {}; for (const i of document.querySelectorAll('input.num')) m[i.getAttribute('aria-label')] = i.value; return m;",
    );
    let shown = shown.as_object().unwrap();
    let mut checked = 0;
    for table in ["active_disclosure", "applications", "review_litigation"] {
        let rows = if table == "review_litigation" { &t["tables"][table] } else { &t["tables"][table]["rows"] };
        for (row, cols) in rows.as_object().unwrap() {
            for (col, v) in cols.as_object().unwrap() {
                let want = v.as_f64().map(|n| n.to_string()).unwrap_or_default();
                let key = format!("{table}.{row}.{col}");
                assert_eq!(shown.get(&key).and_then(|v| v.as_str()), Some(want.as_str()), "{key}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, shown.len(), "the page shows the truth's cells, no more");
    b.until("no broken rule", "return document.querySelectorAll('td.broken').length === 0;");
    // One more natural person granted: the column's total no longer adds up.
    let key = "applications.granted.natural_person";
    let before = b.script(&format!("return {}.value;", cell(key))).as_str().unwrap().to_string();
    let after = (before.parse::<i64>().unwrap() + 1).to_string();
    b.script(&format!("const i = {}; i.focus(); i.select();", cell(key)));
    b.keys(&format!("input[aria-label=\"{key}\"]"), &format!("\u{E003}\u{E003}\u{E003}\u{E003}{after}"));
    b.until("the rule to be flagged", "return document.querySelectorAll('td.broken').length > 0;");
    let message = b.script("return document.getElementById('findings').textContent;");
    assert!(message.as_str().unwrap().contains("（七）总计等于（一）至（六）各项之和"), "{message}");
    let flagged = b.script(&format!("return {}.parentElement.classList.contains('broken');", cell(key)));
    assert_eq!(flagged, json!(true));
    // Where the number was printed: the source page with the spot marked.
    b.until("the source page", "return !!document.querySelector('#source svg rect.spot');");
    let shot = b.call("GET", "/screenshot", Value::Null);
    std::fs::create_dir_all(repo().join("target/tmp")).unwrap();
    let png = base64_decode(shot.as_str().unwrap());
    std::fs::write(repo().join("target/tmp/serve.png"), &png).unwrap();
    // Fixed again, then downloaded as DOCX and PDF: the downloads read back as the edited model.
    let total_key = "applications.total.natural_person";
    let total = b.script(&format!("return {}.value;", cell(total_key))).as_str().unwrap().parse::<i64>().unwrap();
    b.script(&format!("const i = {}; i.focus(); i.select();", cell(total_key)));
    b.keys(&format!("input[aria-label=\"{total_key}\"]"), &format!("\u{E003}\u{E003}\u{E003}\u{E003}{}", total + 1));
    b.until(
        "the rule of the totals to hold",
        "return !document.getElementById('findings').textContent.includes('（七）总计等于');",
    );
    let mut edited = t.clone();
    edited["tables"]["applications"]["rows"]["granted"]["natural_person"] = json!(after.parse::<i64>().unwrap());
    edited["tables"]["applications"]["rows"]["total"]["natural_person"] = json!(total + 1);
    for ext in ["docx", "pdf"] {
        b.script(&format!("document.querySelector('button[data-format=\"{ext}\"]').click();"));
        let bytes = downloaded(downloads.path(), ext);
        let (code, body) = post(&format!("{}/api/open?name=edited.{ext}", s.url), &bytes);
        assert_eq!(code, 200, "{ext}");
        same(&plain(&json_of(&body)["report"]), &edited, &format!("the downloaded {ext}"));
    }
    // A spreadsheet: clicking a cell shows its sheet with the cell marked.
    let xlsx = fixture("s1-r003-xlsx.xlsx").canonicalize().unwrap();
    b.keys("#open", &xlsx.display().to_string());
    b.until("the workbook to open", "const s = document.getElementById('status').textContent; return s.includes('s1-r003-xlsx.xlsx') && !s.includes('正在读取');");
    b.script(&format!("{}.focus();", cell("applications.granted.total")));
    b.until("the sheet with the cell marked", "return !!document.querySelector('#source td.spot');");
    let marked = b.script("return document.querySelector('#source td.spot').textContent;");
    let shown = b.script(&format!("return {}.value;", cell("applications.granted.total")));
    assert_eq!(marked, shown);
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | (val(*c) as u32) << (18 - 6 * i));
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
