//! Review: the tables built from their records, and what recognition says about them.

use crate::recognize::align;
use crate::recognize::find::{Kind, Record};
use crate::recognize::values::Placement;
use nianbao_report::{Layout, Tables};

pub fn build_tables(records: &[(Kind, Record)], notes: &mut Vec<String>) -> Tables {
    let of = |k: Kind| records.iter().filter(|(kind, _)| *kind == k).map(|(_, r)| r.clone()).collect::<Vec<_>>();
    let mut tables = Tables::default();
    let mut report = |k: Kind, layout: Option<Layout>, p: &Placement| {
        let l = layout.map(|l| format!(" ({l})")).unwrap_or_default();
        notes.push(format!("{}{l}: {} rows, {} cells placed", k.key(), p.rows, p.cells));
        for u in &p.unplaced {
            notes.push(format!("{}: {u}", k.key()));
        }
    };
    let ad = of(Kind::ActiveDisclosure);
    if !ad.is_empty() {
        let (t, p) = align::active_disclosure(&ad);
        report(Kind::ActiveDisclosure, Some(t.layout), &p);
        if p.rows > 0 {
            tables.active_disclosure = Some(t);
        }
    }
    let app = of(Kind::Applications);
    if !app.is_empty() {
        let (t, p) = align::applications(&app);
        report(Kind::Applications, Some(t.layout), &p);
        if p.rows > 0 {
            tables.applications = Some(t);
        }
    }
    let rl = of(Kind::ReviewLitigation);
    if !rl.is_empty() {
        let (t, p) = align::review_litigation(&rl);
        report(Kind::ReviewLitigation, None, &p);
        if p.cells > 0 {
            tables.review_litigation = Some(t);
        }
    }
    tables
}
