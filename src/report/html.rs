//! The HTML pieces of the report: the page shell with its style and policy, tables, lists.

/// Text made safe for HTML content and attributes.
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

/// A table with a header row; cells are text (escaped here).
pub fn table(head: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table>\n<thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{}</td>", escape(c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A list of named values.
pub fn definitions(items: &[(&str, String)]) -> String {
    let mut out = String::from("<dl>\n");
    for (k, v) in items {
        out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", escape(k), escape(v)));
    }
    out.push_str("</dl>\n");
    out
}

/// The whole page. The policy allows inline style and nothing else: no script, no font, no
/// image or frame from anywhere, so the page can make no request.
pub fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.6em; }}
h2 {{ font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }}
table {{ border-collapse: collapse; margin: .5em 0; font-size: .92em; }}
th, td {{ border: 1px solid #ddd; padding: .25em .6em; text-align: right; }}
th {{ background: #f4f4f4; }}
td:first-child, th:first-child {{ text-align: left; }}
table.metrics td:last-child {{ text-align: left; }}
tr.chosen td {{ background: #e8f4e0; font-weight: bold; }}
.verdict {{ font-size: 1.15em; padding: .6em .9em; border-left: 4px solid #2ca02c; background: #f3faf0; }}
.verdict.missed {{ border-color: #d62728; background: #fdf0f0; }}
figure {{ margin: 1.5em 0; }}
figure svg {{ max-width: 100%; height: auto; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }}
dt {{ font-weight: bold; }}
dd {{ margin: 0; font-family: monospace; word-break: break-all; }}
pre {{ background: #f7f7f7; padding: 1em; overflow-x: auto; }}
</style>
</head>
<body>
{body}</body>
</html>
"#,
        title = escape(title)
    )
}
