//! The answer of a sweep: the goals' verdict first, then the points with their key metrics
//! (the chosen one marked) — from `sweep.csv` and `sweep.json`.

use super::html::{definitions, escape, table};
use crate::output::numbers;
use crate::sweep::file::SweepFile;
use crate::sweep::table::{Stat, SweepTable};
use crate::sweep::{self, Verdict};

/// Title, answer section and provenance block of a sweep.
pub fn answer(csv: &[u8], json: Option<&[u8]>) -> Result<(String, String, String), String> {
    let t = SweepTable::from_csv(csv).map_err(|e| format!("sweep.csv: {e}"))?;
    let file =
        json.map(SweepFile::from_json).transpose().map_err(|e| format!("sweep.json: {e}"))?;
    let goals = file.as_ref().map(SweepFile::goals).unwrap_or_default();
    let mut out = String::new();
    if let Some(f) = &file {
        out.push_str(&format!(
            "<p>{} points × {}, seed {} (every point the same: common random numbers).</p>\n",
            t.rows.len(),
            numbers::replications(f.replications),
            f.seed
        ));
    }
    let verdict = sweep::choose(&t, &goals).filter(|_| !goals.is_empty());
    if let Some(v) = &verdict {
        let class = if matches!(v, Verdict::Met { .. }) { "verdict" } else { "verdict missed" };
        let text = sweep::goal::describe(&t, &goals, v);
        let mut lines = text.lines();
        out.push_str(&format!(
            "<div class=\"{class}\" id=\"goal-answer\"><p><b>{}</b></p>\n<ul>\n",
            escape(lines.next().unwrap_or(""))
        ));
        for l in lines {
            out.push_str(&format!("<li>{}</li>\n", escape(l.trim())));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("<h2>Points (means; intervals in sweep.csv)</h2>\n");
    out.push_str(&points(&t, &goals, verdict.as_ref()));
    let provenance = match &file {
        Some(f) => super::provenance_list(&f.provenance),
        None => definitions(&[("provenance", "no sweep.json (an older sweep)".to_string())]),
    };
    let name = file.as_ref().map_or("sweep", |f| f.scenario.as_str());
    Ok((format!("poolsim report: {name} sweep"), out, provenance))
}

fn points(t: &SweepTable, goals: &[sweep::Goal], verdict: Option<&Verdict>) -> String {
    let metrics = sweep::summary::shown_metrics(t, goals);
    let chosen = verdict.map(|v| match *v {
        Verdict::Met { row } | Verdict::NoneMet { row } => row,
    });
    let head: Vec<String> = t.params.iter().chain(&metrics).cloned().collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let values = metrics.iter().map(|m| {
                t.value(r, m, Stat::Mean).map_or("-".to_string(), |v| numbers::show(m, v))
            });
            row.params.iter().cloned().chain(values).collect()
        })
        .collect();
    let html = table(&head, &rows);
    // Mark the chosen row for the eye.
    match chosen {
        Some(c) => {
            let mut n = 0;
            html.lines()
                .map(|l| {
                    if l.starts_with("<tr><td>") {
                        n += 1;
                        if n - 1 == c {
                            return l.replacen("<tr>", "<tr class=\"chosen\">", 1);
                        }
                    }
                    l.to_string()
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        None => html,
    }
}
