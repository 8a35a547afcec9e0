//! Each consistency rule, kept and broken, on real fixture reports.

use nianbao_report::{validate, validate_years, Finding, Num, Report, Severity};
use std::path::PathBuf;

fn load(name: &str) -> Report {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports").join(name);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn r001() -> Report {
    load("s1-r001-html-table.truth.json")
}

fn problems(r: &Report, rule: u8) -> Vec<Finding> {
    validate(r).into_iter().filter(|f| f.rule == rule && f.is_problem()).collect()
}

fn set_app(r: &mut Report, row: &str, col: &str, v: Option<f64>) {
    r.tables.applications.as_mut().unwrap().rows.get_mut(row).unwrap().insert(col.into(), v.map(Num));
}

#[test]
fn a_consistent_report_has_no_findings() {
    let f: Vec<Finding> = validate(&r001()).into_iter().filter(|f| f.is_problem()).collect();
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn rule_1_new_plus_carried_over_equals_total_plus_carried_forward() {
    let mut r = r001();
    set_app(&mut r, "carried_forward", "commercial", Some(5.0));
    let f = problems(&r, 1);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Violation);
    assert!(f[0].cells.contains(&"applications.carried_forward.commercial".to_string()));
    assert_eq!(
        f[0].message,
        "依申请公开 column 法人或其他组织/商业企业 [commercial]: 一、本年新收政府信息公开申请数量 [new_received] 15 \
         + 二、上年结转政府信息公开申请数量 [carried_over] 0 = 15 but (七)总计 [total] 14 + 四、结转下年度继续办理 \
         [carried_forward] 5 = 19"
    );
}

#[test]
fn a_blank_cell_makes_a_rule_not_checkable_not_broken() {
    let mut r = r001();
    set_app(&mut r, "new_received", "research", None);
    assert!(problems(&r, 1).is_empty());
    let unchecked: Vec<Finding> = validate(&r).into_iter().filter(|f| f.severity == Severity::NotCheckable).collect();
    assert!(
        unchecked.iter().any(|f| f.rule == 1
            && f.cells.contains(&"applications.new_received.research".to_string())
            && f.message.ends_with("[research]: blank 一、本年新收政府信息公开申请数量 [new_received]")),
        "{unchecked:#?}"
    );
    assert!(unchecked.iter().any(|f| f.rule == 3), "the row sum is unknown too");
}

#[test]
fn rule_2_total_is_the_sum_of_outcomes() {
    let mut r = r001();
    set_app(&mut r, "denied.inquiry", "natural_person", Some(1.0));
    let f = problems(&r, 2);
    assert_eq!(f.len(), 1);
    // 21 rows are summed: the ones at 0 are counted, not listed; every cell is in `cells`.
    assert!(
        f[0].message.starts_with(
            "依申请公开 column 自然人 [natural_person]: (七)总计 [total] 132 but (一)予以公开 [granted] 53 + "
        ),
        "{}",
        f[0].message
    );
    assert!(f[0].message.contains(" + (三)不予公开/8.属于行政查询事项 [denied.inquiry] 1 + "), "{}", f[0].message);
    assert!(f[0].message.ends_with(" rows at 0)"), "{}", f[0].message);
    assert_eq!(f[0].cells.len(), 22);
    // gb2019 sums its single `other` row.
    let r = load("s1-r005-html-table.truth.json");
    assert!(problems(&r, 2).is_empty());
}

#[test]
fn rule_3_row_total_is_the_sum_of_applicants() {
    let mut r = r001();
    set_app(&mut r, "granted", "total", Some(60.0));
    let f = problems(&r, 3);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "依申请公开 row (一)予以公开 [granted]: 总计 [total] 60 but 自然人 [natural_person] 53 + 法人或其他组织/商业企业 \
         [commercial] 6 = 59 (the other 4 columns at 0)"
    );
}

#[test]
fn rule_4_review_and_litigation_totals() {
    // This fixture breaks rule 4 on purpose.
    let r = load("s1-r008-html-table.truth.json");
    let f = problems(&r, 4);
    assert!(!f.is_empty());
    let mut ok = r001();
    assert!(problems(&ok, 4).is_empty());
    ok.tables.review_litigation.as_mut().unwrap().review.pending = Some(Num(9.0));
    assert_eq!(problems(&ok, 4).len(), 1);
}

#[test]
fn rule_5_negative_and_fractional_counts() {
    let mut r = r001();
    set_app(&mut r, "granted", "research", Some(-1.0));
    set_app(&mut r, "granted", "legal_service", Some(0.5));
    let f = problems(&r, 5);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(
        f[0].message,
        "依申请公开 (一)予以公开 × 法人或其他组织/科研机构 [applications.granted.research] = -1 is negative"
    );
    // gb2019 change may be negative; amounts may have decimals.
    let mut r = load("s1-r005-html-table.truth.json");
    let ad = r.tables.active_disclosure.as_mut().unwrap();
    ad.rows.get_mut("licensing").unwrap().insert("change".into(), Some(Num(-2.0)));
    assert!(problems(&r, 5).is_empty());
}

#[test]
fn rule_6_numbers_in_the_text_against_the_tables() {
    let mut r = r001();
    let total = r.tables.applications.as_ref().unwrap().get("new_received", "total").unwrap();
    r.sections[1].paragraphs.push(format!("本年新收政府信息公开申请{}件。", total));
    assert!(problems(&r, 6).is_empty());
    r.sections[1].paragraphs.pop();
    r.sections[1].paragraphs.push("本年新收政府信息公开申请999件。".into());
    let f = problems(&r, 6);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("999"));
}

#[test]
fn rule_7_consecutive_years() {
    let prev = r001();
    let mut cur = r001();
    cur.meta.year = Some(prev.meta.year.unwrap() + 1);
    let f: Vec<Finding> = validate_years(&prev, &cur).into_iter().filter(|f| f.is_problem()).collect();
    // This year's carried-over (4 natural persons) is not last year's carried-forward (0).
    assert!(
        f.iter().any(|f| f.message
            == "2023 carried over vs 2022 carried forward, 依申请公开 column 自然人 [natural_person]: 2023 \
                二、上年结转政府信息公开申请数量 [carried_over] 4 but 2022 四、结转下年度继续办理 [carried_forward] 0"),
        "{f:#?}"
    );
    // in_force 143 = 143 + 14 issued − 18 repealed does not hold either.
    assert!(f.iter().any(|f| f.message.contains("normative_documents")), "{f:#?}");
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    let mut next = cur.clone();
    let carried: Vec<_> = ["natural_person", "commercial", "research", "nonprofit", "legal_service", "other", "total"]
        .iter()
        .map(|c| (c.to_string(), cur.tables.applications.as_ref().unwrap().get("carried_forward", c)))
        .collect();
    for (c, v) in carried {
        next.tables.applications.as_mut().unwrap().rows.get_mut("carried_over").unwrap().insert(c, v);
    }
    let ad = next.tables.active_disclosure.as_mut().unwrap();
    for row in ["regulations", "normative_documents"] {
        let prev_in_force = cur.tables.active_disclosure.as_ref().unwrap().get(row, "in_force").unwrap().0;
        let r = ad.rows.get_mut(row).unwrap();
        let issued = r["issued"].unwrap().0;
        let repealed = r["repealed"].unwrap().0;
        r.insert("in_force".into(), Some(Num(prev_in_force + issued - repealed)));
    }
    let f: Vec<Finding> = validate_years(&cur, &next).into_iter().filter(|f| f.is_problem()).collect();
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn schema_describes_the_model() {
    let s = nianbao_report::schema();
    let text = s.to_string();
    for key in [
        "meta",
        "sections",
        "tables",
        "active_disclosure",
        "applications",
        "review_litigation",
        "litigation_after_review",
        "marks",
    ] {
        assert!(text.contains(key), "schema lacks {key}");
    }
}

#[test]
fn rule_0_a_template_row_not_printed_is_named_by_its_label() {
    let mut r = r001();
    assert!(problems(&r, 0).is_empty());
    // Absent from the rows, as a JSON written by hand would have it.
    r.tables.applications.as_mut().unwrap().rows.shift_remove("unavailable.unclear");
    // Listed by recognition: a cell of section 四 the document does not print.
    r.tables.review_litigation.as_mut().unwrap().recognized.missing.push("litigation_direct.pending".into());
    let f = problems(&r, 0);
    let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "依申请公开: the row (四)无法提供/3.补正后申请内容仍不明确 [unavailable.unclear] is not printed",
            "复议诉讼: the cell 行政诉讼/未经复议直接起诉/尚未审结 [litigation_direct.pending] is not printed",
        ]
    );
    assert_eq!(f[0].cells, ["applications.unavailable.unclear"]);
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    // gb2019's 政府集中采购 is printed only where it applies.
    let r = load("s1-r005-html-table.truth.json");
    assert!(
        !r.tables.active_disclosure.as_ref().unwrap().rows.contains_key("procurement") || problems(&r, 0).is_empty()
    );
    assert!(problems(&r, 0).is_empty(), "{:#?}", problems(&r, 0));
}
