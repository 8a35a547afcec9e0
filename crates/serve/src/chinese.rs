//! Each finding's rule said as the official template and a clerk say it, with the numbers.

use nianbao_report::{Finding, Severity};

fn num(v: Option<f64>) -> String {
    match v {
        None => "空".into(),
        Some(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Some(n) => format!("{n}"),
    }
}

fn sum(values: &[Option<f64>]) -> Option<f64> {
    values.iter().copied().sum()
}

/// `3 + 1 = 4` (a blank shown as 空, no total then).
fn terms(values: &[Option<f64>]) -> String {
    let parts: Vec<String> = values.iter().map(|v| num(*v)).collect();
    match (values.len(), sum(values)) {
        (1, _) => parts.join(""),
        (_, Some(t)) => format!("{} = {}", parts.join(" + "), num(Some(t))),
        (_, None) => parts.join(" + "),
    }
}

/// The rule of a finding in Chinese, with its numbers: for rule 1,
/// `本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和（3 + 1 = 4，但 2 + 1 = 3）`.
pub fn rule_in_chinese(f: &Finding) -> String {
    let v = &f.values;
    let (rule, split) = match f.rule {
        0 => return "模板中的这一行没有填报（未列出或缺失）".into(),
        1 => ("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", 2),
        2 => ("本列数据的勾稽关系为：（七）总计等于（一）至（六）各项之和", 1),
        3 => ("本行数据的勾稽关系为：总计等于各类申请人数量之和", 1),
        4 => ("行政复议、行政诉讼的总计等于结果维持、结果纠正、其他结果、尚未审结之和", 1),
        5 => return format!("数量应为非负整数（金额除外）：{}", v.iter().map(|x| num(*x)).collect::<Vec<_>>().join("、")),
        6 => return "正文中提到的数字与表格中的数字不一致".into(),
        7 => return "与上一年度报告不一致：上年“结转下年度继续办理”应等于本年“上年结转”，规范性文件的现行有效件数应相衔接".into(),
        n => return format!("第{n}条规则"),
    };
    let split = split.min(v.len());
    let (lhs, rhs) = v.split_at(split);
    let numbers = match f.severity {
        Severity::NotCheckable => format!("（有空白单元格，无法核对：{}；{}）", terms(lhs), terms(rhs)),
        _ if f.rule == 1 => format!("（{}，但 {}）", terms(lhs), terms(rhs)),
        _ => format!("（总计 {}，但各项之和为 {}）", terms(lhs), num(sum(rhs))),
    };
    format!("{rule}{numbers}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: u8, severity: Severity, values: &[Option<f64>]) -> Finding {
        Finding {
            rule,
            severity,
            cells: vec![String::new(); values.len()],
            values: values.to_vec(),
            message: String::new(),
        }
    }

    #[test]
    fn rule_one_says_the_templates_own_sentence_with_the_numbers() {
        let f = finding(1, Severity::Violation, &[Some(3.0), Some(1.0), Some(2.0), Some(1.0)]);
        assert_eq!(
            rule_in_chinese(&f),
            "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和（3 + 1 = 4，但 2 + 1 = 3）"
        );
    }

    #[test]
    fn totals_and_blanks() {
        let f = finding(3, Severity::Violation, &[Some(10.0), Some(4.0), Some(5.0)]);
        assert_eq!(rule_in_chinese(&f), "本行数据的勾稽关系为：总计等于各类申请人数量之和（总计 10，但各项之和为 9）");
        let f = finding(2, Severity::NotCheckable, &[Some(10.0), None, Some(5.0)]);
        assert!(rule_in_chinese(&f).ends_with("（有空白单元格，无法核对：10；空 + 5）"), "{}", rule_in_chinese(&f));
    }
}
