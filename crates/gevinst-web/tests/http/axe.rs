//! The accessibility harness of the browser tests: runs axe-core (from the npm registry,
//! installed by `scripts/test`, path in `GEVINST_AXE_JS`) in the page a WebDriver session
//! shows, with the WCAG 2.1 A and AA rules, and measures sideways overflow. Any browser
//! test can chain [`Axe::check`] after a step; `browser_axe.rs` sweeps every main page.

use fantoccini::Client;
use std::time::Duration;

pub(crate) type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The axe-core rule tags that make up WCAG 2.1 level A and AA.
pub(crate) const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// The two window sizes the pages are checked at: a laptop and a phone (CSS pixels).
pub(crate) const SIZES: [(u32, u32); 2] = [(1366, 900), (390, 844)];

/// The longest one axe run may take.
pub(crate) const AXE_TIMEOUT: Duration = Duration::from_secs(300);

/// axe-core's source, read once.
#[derive(Clone)]
pub(crate) struct Axe {
    source: std::sync::Arc<String>,
}

/// What one check of one page found.
#[derive(Debug, Clone)]
pub(crate) struct PageCheck {
    /// One line per violated rule: id, impact, help and the target selectors.
    pub violations: Vec<String>,
    /// How far the page scrolls sideways, if it does.
    pub overflow: Option<Overflow>,
}

impl Axe {
    /// axe-core from `GEVINST_AXE_JS`, or `None` when the check may be skipped. Without it
    /// the caller prints "skipped" and passes, unless `GEVINST_REQUIRE_BROWSER=1` or `CI`
    /// is set: then it panics, so a run that must check accessibility cannot skip it.
    pub(crate) fn from_env() -> Option<Axe> {
        let required = std::env::var("GEVINST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
            || std::env::var_os("CI").is_some();
        let path = std::env::var_os("GEVINST_AXE_JS").filter(|p| !p.is_empty());
        let Some(path) = path else {
            assert!(
                !required,
                "GEVINST_AXE_JS is not set, but browser tests are required (GEVINST_REQUIRE_BROWSER=1 or CI); scripts/test installs axe-core and sets it"
            );
            println!("skipped: no axe-core (set GEVINST_AXE_JS to axe.min.js; scripts/test does)");
            return None;
        };
        match std::fs::read_to_string(&path) {
            Ok(source) => Some(Axe {
                source: std::sync::Arc::new(source),
            }),
            Err(e) => {
                assert!(
                    !required,
                    "cannot read axe-core at GEVINST_AXE_JS={}: {e}",
                    std::path::Path::new(&path).display()
                );
                println!("skipped: cannot read axe-core: {e}");
                None
            }
        }
    }

    /// Lets scripts in `c` run for up to [`AXE_TIMEOUT`]: axe on a large page takes longer
    /// than WebDriver's default 30 s on a busy machine. Call it once per session.
    pub(crate) async fn prepare(c: &Client) -> Res {
        let timeouts = c.get_timeouts().await?;
        c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(AXE_TIMEOUT),
            timeouts.page_load(),
            timeouts.implicit(),
        ))
        .await?;
        Ok(())
    }

    /// Runs axe-core with [`WCAG_TAGS`] in the current page (injecting it when the page
    /// does not have it yet) and measures sideways overflow.
    pub(crate) async fn check(&self, c: &Client) -> Res<PageCheck> {
        let loaded = c
            .execute("return typeof window.axe === 'object';", vec![])
            .await?;
        if loaded != serde_json::Value::Bool(true) {
            c.execute(&self.source, vec![]).await?;
        }
        let out = c
            .execute_async(RUN_AXE, vec![serde_json::json!(WCAG_TAGS)])
            .await?;
        let text = out.as_str().unwrap_or_default();
        if let Some(err) = text.strip_prefix("ERROR:") {
            return Err(format!("axe.run failed: {err}").into());
        }
        let found: Vec<serde_json::Value> = serde_json::from_str(text)?;
        let violations = found.iter().map(describe).collect();
        Ok(PageCheck {
            violations,
            overflow: overflow(c).await?,
        })
    }
}

/// Runs axe and hands back its violations as JSON text (or "ERROR: …").
const RUN_AXE: &str = r#"
const tags = arguments[0];
const done = arguments[arguments.length - 1];
window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then(r => done(JSON.stringify(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => JSON.stringify(n.target)) })))))
  .catch(e => done('ERROR:' + e));
"#;

/// One violation as a line: "id (impact): help; targets: …".
fn describe(v: &serde_json::Value) -> String {
    let s = |k: &str| v[k].as_str().unwrap_or("?").to_owned();
    let targets: Vec<String> = v["targets"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| t.as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default();
    format!(
        "{} ({}): {}; targets: {}",
        s("id"),
        s("impact"),
        s("help"),
        targets.join(" ")
    )
}

/// How wide the document is against the window, and where it starts to stick out.
#[derive(Debug, Clone)]
pub(crate) struct Overflow {
    /// `document.documentElement.scrollWidth`.
    pub document: i64,
    /// `window.innerWidth`.
    pub window: i64,
    /// Up to three elements that reach past the window while their parent does not and
    /// does not scroll them (`parent > element`, as `tag#id.class`): where to look.
    pub culprits: Vec<String>,
}

/// Measures the document against the window; `None` when it does not scroll sideways.
const MEASURE_OVERFLOW: &str = r#"
const win = window.innerWidth;
const doc = document.documentElement.scrollWidth;
if (doc <= win) return null;
const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (typeof e.className === 'string' && e.className.trim()
     ? '.' + e.className.trim().split(/\s+/).join('.') : '');
const out = [];
for (const e of document.body.querySelectorAll('*')) {
  const p = e.parentElement;
  if (e.getBoundingClientRect().right > win + 1
      && p && p.getBoundingClientRect().right <= win + 1
      && getComputedStyle(p).overflowX === 'visible') {
    out.push(name(p) + ' > ' + name(e));
    if (out.length === 3) break;
  }
}
return [doc, win, out];
"#;

async fn overflow(c: &Client) -> Res<Option<Overflow>> {
    let v = c.execute(MEASURE_OVERFLOW, vec![]).await?;
    if v.is_null() {
        return Ok(None);
    }
    Ok(Some(Overflow {
        document: v[0].as_i64().unwrap_or(0),
        window: v[1].as_i64().unwrap_or(0),
        culprits: v[2]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect(),
    }))
}

/// Sizes the window so that its viewport (`innerWidth` × `innerHeight`) is `width` ×
/// `height` CSS pixels: sets the window size, then corrects for the browser's frame.
pub(crate) async fn set_viewport(c: &Client, width: u32, height: u32) -> Res {
    c.set_window_size(width, height).await?;
    for _ in 0..2 {
        let v = c
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        let (iw, ih) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
        if iw == i64::from(width) && ih == i64::from(height) {
            return Ok(());
        }
        let (ow, oh) = c.get_window_size().await?;
        let fix = |outer: u64, inner: i64, want: u32| {
            (outer as i64 + i64::from(want) - inner).max(1) as u32
        };
        c.set_window_size(fix(ow, iw, width), fix(oh, ih, height))
            .await?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let v = c.execute("return window.innerWidth;", vec![]).await?;
    if v.as_i64() != Some(i64::from(width)) {
        return Err(format!("cannot size the viewport to {width} px wide (it is {v})").into());
    }
    Ok(())
}
