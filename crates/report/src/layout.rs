//! The official table layouts as data: one table of labels ↔ keys per vintage, used both to
//! recognize tables in documents and to render them.
//!
//! Row and column labels are *paths*: the printed labels from the outermost merged header down
//! to the cell itself (`三、本年度办理结果` › `(三)不予公开` › `1.属于国家秘密`). Rendering merges
//! equal neighbours along a path; recognition matches the last element, with the earlier ones
//! as context.

use crate::model::Layout;

/// A column: its key and its printed header path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static [&'static str],
}

/// A row: its key, its printed label path, and its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub key: &'static str,
    pub label: &'static [&'static str],
    pub columns: &'static [Column],
}

/// A block of section 二's table: a caption row, a header row, and its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub caption: &'static str,
    pub rows: &'static [Row],
}

/// The corner/left header of every block in section 二's table.
pub const CONTENT_HEADER: &str = "信息内容";

/// The note printed in the corner cell of the applications table.
pub const APPLICATIONS_NOTE: &str = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)";

/// The caption over the applicant columns.
pub const APPLICANTS_CAPTION: &str = "申请人情况";

const fn col(key: &'static str, header: &'static [&'static str]) -> Column {
    Column { key, header }
}

const fn row(key: &'static str, label: &'static [&'static str], columns: &'static [Column]) -> Row {
    Row { key, label, columns }
}

// ---- section 二, gb2021

const DOCS_2021: &[Column] =
    &[col("issued", &["本年制发件数"]), col("repealed", &["本年废止件数"]), col("in_force", &["现行有效件数"])];
const DECISIONS_2021: &[Column] = &[col("decisions", &["本年处理决定数量"])];
const FEES_2021: &[Column] = &[col("amount", &["本年收费金额(单位:万元)"])];

pub const ACTIVE_DISCLOSURE_2021: &[Group] = &[
    Group {
        caption: "第二十条第(一)项",
        rows: &[row("regulations", &["规章"], DOCS_2021), row("normative_documents", &["行政规范性文件"], DOCS_2021)],
    },
    Group { caption: "第二十条第(五)项", rows: &[row("licensing", &["行政许可"], DECISIONS_2021)] },
    Group {
        caption: "第二十条第(六)项",
        rows: &[row("punishment", &["行政处罚"], DECISIONS_2021), row("enforcement", &["行政强制"], DECISIONS_2021)],
    },
    Group { caption: "第二十条第(八)项", rows: &[row("fees", &["行政事业性收费"], FEES_2021)] },
];

// ---- section 二, gb2019

const DOCS_2019: &[Column] =
    &[col("made", &["本年新制作数量"]), col("published", &["本年新公开数量"]), col("total", &["对外公开总数量"])];
const ITEMS_2019: &[Column] =
    &[col("previous", &["上一年项目数量"]), col("change", &["本年增/减"]), col("decisions", &["处理决定数量"])];
const FEES_2019: &[Column] = &[col("previous", &["上一年项目数量"]), col("change", &["本年增/减"])];
const PROCUREMENT_2019: &[Column] = &[col("items", &["采购项目数量"]), col("amount", &["采购总金额"])];

pub const ACTIVE_DISCLOSURE_2019: &[Group] = &[
    Group {
        caption: "第二十条第(一)项",
        rows: &[row("regulations", &["规章"], DOCS_2019), row("normative_documents", &["规范性文件"], DOCS_2019)],
    },
    Group {
        caption: "第二十条第(五)项",
        rows: &[
            row("licensing", &["行政许可"], ITEMS_2019),
            row("other_services", &["其他对外管理服务事项"], ITEMS_2019),
        ],
    },
    Group {
        caption: "第二十条第(六)项",
        rows: &[row("punishment", &["行政处罚"], ITEMS_2019), row("enforcement", &["行政强制"], ITEMS_2019)],
    },
    Group { caption: "第二十条第(八)项", rows: &[row("fees", &["行政事业性收费"], FEES_2019)] },
    Group {
        caption: "第二十条第(九)项", rows: &[row("procurement", &["政府集中采购"], PROCUREMENT_2019)]
    },
];

pub fn active_disclosure(layout: Layout) -> &'static [Group] {
    match layout {
        Layout::Gb2019 => ACTIVE_DISCLOSURE_2019,
        _ => ACTIVE_DISCLOSURE_2021,
    }
}

// ---- section 三

pub const APPLICANTS: &[Column] = &[
    col("natural_person", &["自然人"]),
    col("commercial", &["法人或其他组织", "商业企业"]),
    col("research", &["法人或其他组织", "科研机构"]),
    col("nonprofit", &["法人或其他组织", "社会公益组织"]),
    col("legal_service", &["法人或其他组织", "法律服务机构"]),
    col("other", &["法人或其他组织", "其他"]),
    col("total", &["总计"]),
];

const RESULTS: &str = "三、本年度办理结果";
const DENIED: &str = "(三)不予公开";
const UNAVAILABLE: &str = "(四)无法提供";
const NOT_PROCESSED: &str = "(五)不予处理";
const OTHER: &str = "(六)其他处理";

macro_rules! app_rows {
    ($($key:literal => [$($label:expr),+]),+ $(,)?) => {
        &[$(row($key, &[$($label),+], APPLICANTS)),+]
    };
}

const APPLICATIONS_HEAD: &[Row] = app_rows![
    "new_received" => ["一、本年新收政府信息公开申请数量"],
    "carried_over" => ["二、上年结转政府信息公开申请数量"],
    "granted" => [RESULTS, "(一)予以公开"],
    "partially_granted" => [RESULTS, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"],
    "denied.state_secret" => [RESULTS, DENIED, "1.属于国家秘密"],
    "denied.prohibited_by_law" => [RESULTS, DENIED, "2.其他法律行政法规禁止公开"],
    "denied.security_stability" => [RESULTS, DENIED, "3.危及“三安全一稳定”"],
    "denied.third_party" => [RESULTS, DENIED, "4.保护第三方合法权益"],
    "denied.internal_affairs" => [RESULTS, DENIED, "5.属于三类内部事务信息"],
    "denied.process_info" => [RESULTS, DENIED, "6.属于四类过程性信息"],
    "denied.enforcement_files" => [RESULTS, DENIED, "7.属于行政执法案卷"],
    "denied.inquiry" => [RESULTS, DENIED, "8.属于行政查询事项"],
    "unavailable.not_held" => [RESULTS, UNAVAILABLE, "1.本机关不掌握相关政府信息"],
    "unavailable.needs_creation" => [RESULTS, UNAVAILABLE, "2.没有现成信息需要另行制作"],
    "unavailable.unclear" => [RESULTS, UNAVAILABLE, "3.补正后申请内容仍不明确"],
    "not_processed.complaint" => [RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"],
    "not_processed.repeated" => [RESULTS, NOT_PROCESSED, "2.重复申请"],
    "not_processed.publication" => [RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"],
    "not_processed.excessive" => [RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"],
    "not_processed.confirmation" => [RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"],
];

const OTHER_2021: &[Row] = app_rows![
    "other.no_correction" => [RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "other.unpaid_fee" => [RESULTS, OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "other.other" => [RESULTS, OTHER, "3.其他"],
];

const OTHER_2019: &[Row] = app_rows!["other" => [RESULTS, OTHER]];

const APPLICATIONS_TAIL: &[Row] = app_rows![
    "total" => [RESULTS, "(七)总计"],
    "carried_forward" => ["四、结转下年度继续办理"],
];

/// The applications rows of a layout, in printed order (25 for gb2021, 23 for gb2019).
pub fn applications(layout: Layout) -> impl Iterator<Item = &'static Row> {
    let other = if layout == Layout::Gb2019 { OTHER_2019 } else { OTHER_2021 };
    APPLICATIONS_HEAD.iter().chain(other).chain(APPLICATIONS_TAIL)
}

/// Keys of the rows whose sum is `total` (rule 2), by layout.
pub fn outcome_rows(layout: Layout) -> impl Iterator<Item = &'static str> {
    applications(layout)
        .map(|r| r.key)
        .filter(|k| !matches!(*k, "new_received" | "carried_over" | "total" | "carried_forward"))
}

// ---- section 四

pub const OUTCOMES: &[&str] = &["upheld", "corrected", "other", "pending", "total"];
pub const OUTCOME_HEADERS: &[&str] = &["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// The three groups of section 四 with their header paths above the five outcome columns.
pub const REVIEW_LITIGATION: &[(&str, &[&str])] = &[
    ("review", &["行政复议"]),
    ("litigation_direct", &["行政诉讼", "未经复议直接起诉"]),
    ("litigation_after_review", &["行政诉讼", "复议后起诉"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications_have_the_spec_row_counts() {
        assert_eq!(applications(Layout::Gb2021).count(), 25);
        assert_eq!(applications(Layout::Gb2019).count(), 23);
        assert_eq!(outcome_rows(Layout::Gb2021).count(), 21);
        assert!(outcome_rows(Layout::Gb2019).any(|k| k == "other"));
    }

    #[test]
    fn keys_are_unique_within_each_layout() {
        for layout in [Layout::Gb2019, Layout::Gb2021] {
            let mut keys: Vec<_> = applications(layout).map(|r| r.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), applications(layout).count());
            let mut ad: Vec<_> = active_disclosure(layout).iter().flat_map(|g| g.rows).map(|r| r.key).collect();
            let n = ad.len();
            ad.sort();
            ad.dedup();
            assert_eq!(ad.len(), n);
        }
    }
}
