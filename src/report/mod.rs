//! `report.html`: one self-contained page a planner attaches to a change request — the answer
//! first (key figures with their intervals, the update window in clock time, a sweep's goal
//! answer), then the pictures inline as SVG, the hourly table, the scenario and its
//! provenance. No script, no external file, no network: a Content-Security-Policy forbids
//! every load, so the page shows the same offline as online.
//!
//! Pure: the files of an output directory in, the page out (`cli/report.rs` does the I/O).

mod html;
mod run;
mod sweep;

use html::{escape, table};

/// The files of an output directory the report reads; absent ones are `None`.
#[derive(Default)]
pub struct Inputs<'a> {
    /// `summary.json` (a run).
    pub summary: Option<&'a [u8]>,
    /// `sweep.csv` and `sweep.json` (a sweep).
    pub sweep: Option<&'a [u8]>,
    /// `sweep.json`.
    pub sweep_json: Option<&'a [u8]>,
    /// `timeseries.csv`.
    pub timeseries: Option<&'a [u8]>,
    /// `update.csv`.
    pub update: Option<&'a [u8]>,
    /// `hourly.csv`, rendered as it comes, from its header.
    pub hourly: Option<&'a [u8]>,
    /// `scenario.toml`, the scenario file as run.
    pub scenario: Option<&'a [u8]>,
}

/// Renders the page; an error names the file at fault.
pub fn render(inputs: &Inputs) -> Result<String, String> {
    let (title, answer, provenance) = match (inputs.summary, inputs.sweep) {
        (Some(summary), _) => run::answer(summary, inputs.update)?,
        (None, Some(csv)) => sweep::answer(csv, inputs.sweep_json)?,
        (None, None) => return Err("no summary.json or sweep.csv: not a run or sweep".into()),
    };
    let mut body =
        format!("<h1>{}</h1>\n<section id=\"answer\">\n{answer}</section>\n", escape(&title));
    let mut pictures = crate::plot::draw_all(&crate::plot::Inputs {
        timeseries: inputs.timeseries,
        update: inputs.update,
        sweep: inputs.sweep,
        sweep_json: inputs.sweep_json,
        hourly: inputs.hourly,
    })?;
    // A sweep's goal metrics are what was asked: their pictures come first.
    let goals: Vec<String> = inputs
        .sweep_json
        .and_then(|j| crate::sweep::file::SweepFile::from_json(j).ok())
        .map(|f| f.goals().into_iter().map(|g| format!("sweep_{}", g.metric)).collect())
        .unwrap_or_default();
    pictures.sort_by_key(|img| !goals.contains(&img.stem));
    if !pictures.is_empty() {
        body.push_str("<section id=\"pictures\">\n<h2>Pictures</h2>\n");
        for img in &pictures {
            let svg = String::from_utf8_lossy(&img.svg);
            // The XML declaration is not allowed inside HTML; the <svg> element is.
            let svg = svg.find("<svg").map_or(&*svg, |i| &svg[i..]);
            body.push_str(&format!("<figure id=\"{}\">{svg}</figure>\n", escape(&img.stem)));
        }
        body.push_str("</section>\n");
    }
    if let Some(hourly) = inputs.hourly {
        body.push_str("<section id=\"hourly\">\n<h2>By hour</h2>\n");
        body.push_str(&csv_table(hourly).map_err(|e| format!("hourly.csv: {e}"))?);
        body.push_str("</section>\n");
    }
    body.push_str("<section id=\"scenario\">\n<h2>Scenario and provenance</h2>\n");
    body.push_str(&provenance);
    if let Some(text) = inputs.scenario {
        body.push_str(&format!("<pre>{}</pre>\n", escape(&String::from_utf8_lossy(text))));
    }
    body.push_str("</section>\n");
    Ok(html::page(&title, &body))
}

/// Any CSV as an HTML table, header first: the report shows files it does not know (e.g.
/// `hourly.csv`) as they are.
fn csv_table(bytes: &[u8]) -> Result<String, String> {
    let mut r = csv::ReaderBuilder::new().from_reader(bytes);
    let head: Vec<String> =
        r.headers().map_err(|e| e.to_string())?.iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.map(|r| r.iter().map(String::from).collect::<Vec<_>>()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(table(&head, &rows))
}

/// The provenance block shared by runs and sweeps.
fn provenance_list(p: &crate::output::provenance::Provenance) -> String {
    let overrides = if p.overrides.is_empty() { "none".to_string() } else { p.overrides.join(" ") };
    let pool = &p.pool;
    let mut pool_text =
        format!("{} pool, {} hosts, session limit {}", pool.kind, pool.hosts, pool.session_limit);
    if let Some(b) = &pool.load_balancer {
        pool_text.push_str(&format!(", {b}"));
    }
    html::definitions(&[
        ("poolsim", p.poolsim_version.clone()),
        ("scenario file", p.scenario_file.clone()),
        ("sha256", p.scenario_sha256.clone()),
        ("overrides", overrides),
        ("pool", pool_text),
    ])
}
