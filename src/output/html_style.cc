// The HTML report's stylesheet: light and dark colours from prefers-color-scheme, a print
// layout, visible keyboard focus, and plot colours by class name.
#include "output/html_sections.h"

namespace unmask::output {

const std::string& ReportStyle() {
    static const std::string kStyle = R"CSS(
:root{--bg:#ffffff;--fg:#1d2125;--muted:#5c6670;--line:#d5dbe1;--panel:#f4f6f8;--accent:#0b63c5;
--critical:#b3261e;--high:#c4410c;--medium:#9a6700;--low:#1f6feb;--informational:#6e7781;--band:#0b63c533}
@media (prefers-color-scheme:dark){:root{--bg:#14171a;--fg:#e6e9ec;--muted:#a0a9b2;--line:#39414a;
--panel:#1e2328;--accent:#6cb6ff;--critical:#ff7b72;--high:#ffa657;--medium:#e3b341;--low:#79c0ff;
--informational:#a0a9b2;--band:#6cb6ff40}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main{max-width:1400px;margin:0 auto;padding:0 16px}
h1{margin:16px 0 4px;font-size:22px}h2{margin:28px 0 8px;font-size:18px;border-bottom:1px solid var(--line)}
h3{margin:16px 0 6px;font-size:15px}h4{margin:12px 0 4px;font-size:14px}
a{color:var(--accent)}code,pre,kbd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:var(--panel);border:1px solid var(--line);padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all}
.meta,.note,small{color:var(--muted)}.toc a{margin-right:12px}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{background:var(--panel);border:1px solid var(--line);padding:8px 12px;min-width:120px}
.card .value{display:block;font-size:20px;font-weight:600}.card .label{color:var(--muted)}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
table.compact{width:auto}td.num{text-align:right;font-variant-numeric:tabular-nums}
th button{background:none;border:0;color:inherit;font:inherit;font-weight:600;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" \2191"}th[aria-sort=descending] button::after{content:" \2193"}
.badge{display:inline-block;padding:0 6px;border-radius:3px;color:var(--bg);font-weight:600;font-size:12px}
.badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}
.badge.sev-low{background:var(--low)}.badge.sev-informational{background:var(--informational)}
.status-failed{color:var(--critical)}.status-not-applicable{color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:8px 0}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
input,select,button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);padding:3px 6px}
button{cursor:pointer}button:disabled{opacity:.5;cursor:default}
:focus-visible{outline:3px solid var(--accent);outline-offset:1px}
tr.finding-row{cursor:pointer}tr.finding-row:hover{background:var(--panel)}
td.explanation{max-width:38ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.time{white-space:nowrap}
td.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
button.toggle{border:0;background:none;width:24px}button.toggle[aria-expanded=true]{transform:rotate(90deg)}
tr.details>td{background:var(--panel);padding:8px 16px 16px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;word-break:break-all}
.side-by-side{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
.side-by-side>div{border:1px solid var(--line);padding:6px 10px;background:var(--bg)}
.verdict-differs{color:var(--critical);font-weight:600}.verdict-matches{color:var(--low)}
table.evidence td:first-child{color:var(--muted);white-space:nowrap;width:1%}table.evidence td{word-break:break-all}
.pager{display:flex;gap:12px;align-items:center;margin:12px 0}
.beacon-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
figure{margin:0;border:1px solid var(--line);padding:8px;background:var(--bg)}figcaption{margin-bottom:4px;word-break:break-all}
svg.plot{width:100%;height:auto;display:block}svg.plot text{fill:var(--muted);font-size:11px}
svg.devices{max-width:1100px}svg.devices .label{fill:var(--accent);font-size:12px}
.axis,.grid{stroke:var(--line);stroke-width:1}.tick{stroke:var(--accent);stroke-width:1}
.bar{fill:var(--accent)}.period{stroke:var(--critical);stroke-width:2;stroke-dasharray:4 3}.jitter-band{fill:var(--band)}
.span.sev-critical{fill:var(--critical)}.span.sev-high{fill:var(--high)}.span.sev-medium{fill:var(--medium)}
.span.sev-low{fill:var(--low)}.span.sev-informational{fill:var(--informational)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{:root{--bg:#fff;--fg:#000;--panel:#fff;--muted:#333}.controls,.pager,.toc,button.copy,button.toggle{display:none}
tr.details{display:table-row!important}td.explanation{white-space:normal;max-width:none}
figure,tr.finding-row,tr.details,.card{break-inside:avoid}a{color:inherit;text-decoration:none}}
)CSS";
    return kStyle;
}

} // namespace unmask::output
