//! The seed reports (real scraped text) through the whole pipeline: the foundation's acceptance.

mod common;
use common::*;
use serde_json::Value;

fn cells(table: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (row, cols) in table["rows"].as_object().unwrap() {
        for (col, v) in cols.as_object().unwrap() {
            out.push((row.clone(), col.clone(), v.clone()));
        }
    }
    out
}

#[test]
fn seed_001_pipe_tables_in_the_2019_layout() {
    let home = tmp();
    let r = to_json(home.path(), &seed("001"));
    let m = &r["meta"];
    assert_eq!(m["agency"], "金华市金东区行政服务中心");
    assert_eq!(m["year"], 2021);
    assert_eq!(m["published"], "2022-01-11");
    assert_eq!(m["index_no"], "12330703766405351H/2022-115518");
    assert_eq!(m["layout"], "gb2019");
    let t = &r["tables"];
    assert_eq!(t["applications"]["layout"], "gb2019");
    let app = t["applications"]["rows"].as_object().unwrap();
    assert_eq!(app.len(), 23);
    assert!(app.contains_key("other") && !app.contains_key("other.other"));
    for name in ["active_disclosure", "applications"] {
        assert_eq!(t[name]["layout"], "gb2019");
        let c = cells(&t[name]);
        assert!(c.len() >= 20);
        assert!(c.iter().all(|(_, _, v)| v == 0), "{name}: every cell 0");
    }
    for g in ["review", "litigation_direct", "litigation_after_review"] {
        for c in ["upheld", "corrected", "other", "pending", "total"] {
            assert_eq!(t["review_litigation"][g][c], 0, "{g}.{c}");
        }
    }
}

#[test]
fn seed_003_one_cell_per_line_tables_refold() {
    let home = tmp();
    let r = to_json(home.path(), &seed("003"));
    let t = &r["tables"];
    assert_eq!(t["active_disclosure"]["layout"], "gb2021");
    assert_eq!(t["applications"]["layout"], "gb2021");
    assert_eq!(r["meta"]["layout"], "gb2021");
    let nd = &t["active_disclosure"]["rows"]["normative_documents"];
    assert_eq!((nd["issued"].clone(), nd["repealed"].clone(), nd["in_force"].clone()), (2.into(), 1.into(), 3.into()));
    assert_eq!(t["applications"]["rows"].as_object().unwrap().len(), 25);
    for (row, col, v) in cells(&t["applications"]) {
        let expect = if row == "carried_over" && (col == "natural_person" || col == "total") { 6 } else { 0 };
        assert_eq!(v, expect, "applications.{row}.{col}");
    }
    assert_eq!(t["review_litigation"]["litigation_after_review"]["total"], 0);
    // The one-cell lines are table cells, not narrative.
    let text: String = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["paragraphs"].as_array().unwrap())
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(!text.contains("本年制发件数") && !text.contains("结果维持"));
    assert!(!text.contains("扫一扫") && !text.contains("相关解读") && !text.contains("附件下载"));
    assert_eq!(r["meta"]["title"], "晋江市龙湖镇人民政府关于2023年政府信息公开工作年度报告");
    assert_eq!(r["meta"]["agency"], "晋江市龙湖镇人民政府");
}

#[test]
fn seed_003_validate_names_rule_1() {
    let home = tmp();
    let o = run(nianbao(home.path()).arg("validate").arg(seed("003")));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let rule1: Vec<&str> = out.lines().filter(|l| l.contains("rule 1 violation")).collect();
    assert_eq!(rule1.len(), 2, "{out}");
    assert!(
        rule1.iter().any(|l| l.contains("column 自然人 [natural_person]") && l.contains("[carried_over] 6")),
        "{out}"
    );
    assert!(rule1.iter().any(|l| l.contains("column 总计 [total]")), "{out}");
}

fn all_text(r: &Value) -> String {
    r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}\n{}",
                s["title"].as_str().unwrap(),
                s["paragraphs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join("\n")
            )
        })
        .collect()
}

#[test]
fn seeds_000_and_002_prose_only_reports() {
    let home = tmp();
    for (n, year, agency) in [("000", 2021, "芳庄乡人民政府"), ("002", 2022, "嵊州市人民政府办公室")] {
        let r = to_json(home.path(), &seed(n));
        assert_eq!(r["meta"]["year"], year, "{n}");
        assert_eq!(r["meta"]["agency"], agency, "{n}");
        for t in ["active_disclosure", "applications", "review_litigation"] {
            assert!(r["tables"][t].is_null(), "{n}: {t} must be null");
        }
        let secs = r["sections"].as_array().unwrap();
        let nos: Vec<i64> = secs.iter().filter_map(|s| s["no"].as_i64()).filter(|n| *n >= 1).collect();
        assert_eq!(nos, [1, 2, 3, 4, 5, 6], "{n}");
        for no in [1, 5, 6] {
            let s = secs.iter().find(|s| s["no"] == no).unwrap();
            assert!(!s["paragraphs"].as_array().unwrap().is_empty(), "{n}: section {no} has its text");
        }
        let text = all_text(&r);
        for chrome in ["位置", "首页", "打印本页", "关闭窗口", "ICP", "网站标识码", "主办", "|"] {
            assert!(!text.contains(chrome), "{n}: `{chrome}` is page chrome, not report text");
        }
    }
}

#[test]
fn seed_000_mirror_copy_is_normalized() {
    let home = tmp();
    let r = to_json(home.path(), &seed("000"));
    let text = all_text(&r) + r["meta"]["title"].as_str().unwrap();
    assert!(!text.contains("(bào)") && !text.contains("(xiāng)"), "pinyin removed");
    for trad in ['報', '開', '鄉', '國', '條'] {
        assert!(!text.contains(trad), "traditional {trad} converted");
    }
    assert!(text.contains("政府信息公开"));
    assert_eq!(r["sections"][1]["title"], "总体情况");
}

#[test]
fn seed_004_freeform() {
    let home = tmp();
    let r = to_json(home.path(), &seed("004"));
    assert_eq!(r["meta"]["layout"], "freeform");
    for t in ["active_disclosure", "applications", "review_litigation"] {
        assert!(r["tables"][t].is_null());
    }
    let secs = r["sections"].as_array().unwrap();
    assert!(secs.len() >= 5);
    assert!(secs.iter().all(|s| s["no"].is_null()));
    assert_eq!(secs[0]["title"], "加强领导,进一步健全政务公开组织体系");
    assert!(secs.iter().any(|s| s["title"] == "存在的不足和问题"));
}

#[test]
fn every_seed_round_trips_through_text() {
    let home = tmp();
    let dir = tmp();
    for n in ["000", "001", "002", "003", "004"] {
        let first = to_json(home.path(), &seed(n));
        let json = dir.path().join(format!("{n}.json"));
        std::fs::write(&json, serde_json::to_vec(&first).unwrap()).unwrap();
        let txt = dir.path().join(format!("{n}.txt"));
        let o = run(nianbao(home.path()).arg("convert").arg(&json).arg("-o").arg(&txt));
        assert!(o.status.success(), "{}", stderr(&o));
        let again = to_json(home.path(), &txt);
        assert_eq!(again, first, "seed {n}: JSON → text → JSON");
    }
}
