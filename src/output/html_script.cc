// The HTML report's page script. It reads the findings from the JSON data element and builds
// every element with createElement and textContent, never innerHTML, so text from the inputs
// cannot become markup. The list state (filters, sort, page, expanded finding) lives in the
// URL fragment, so a link opens the same view.
#include "output/html_sections.h"

namespace unmask::output {

const std::string& ReportScript() {
    static const std::string kScript = R"JS(
(function () {
'use strict';
var data = JSON.parse(document.getElementById('unmask-data').textContent);
var findings = data.findings;
var rules = data.rules;
var PAGE_SIZE = 100;
var TEXT_SORT = {device: 1, process: 1, destination: 1, rules: 1};
var state = {severity: '', rule: '', device: '', process: '', dest: '', sort: '', dir: '', page: 1, open: -1};
var expanded = {};
var matching = [];

findings.forEach(function (f, i) {
  f.index = i;
  f.rulesText = f.rules.join(', ');
  f.deviceKey = f.device.toLowerCase();
  f.processKey = (f.process + '\n' + f.folder_path + '\n' + f.command_line).toLowerCase();
  f.destKey = f.remote_names.concat(f.remote_ips, f.remote_ports).join('\n').toLowerCase();
});

function $(id) { return document.getElementById(id); }
function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}
function add(parent, child) { parent.appendChild(child); return child; }
function valueText(value) {
  if (value === null || value === undefined) { return 'null'; }
  if (typeof value === 'string') { return value; }
  return JSON.stringify(value);
}

function readHash() {
  var text = location.hash.replace(/^#/, '');
  if (text.indexOf('=') < 0) { return false; }
  var params = new URLSearchParams(text);
  state.severity = params.get('severity') || '';
  state.rule = params.get('rule') || '';
  state.device = params.get('device') || '';
  state.process = params.get('process') || '';
  state.dest = params.get('dest') || '';
  state.sort = params.get('sort') || '';
  state.dir = params.get('dir') || '';
  state.page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  state.open = params.has('open') ? parseInt(params.get('open'), 10) : -1;
  if (!(state.open >= 0 && state.open < findings.length)) { state.open = -1; }
  return true;
}
function writeHash() {
  var params = new URLSearchParams();
  ['severity', 'rule', 'device', 'process', 'dest', 'sort', 'dir'].forEach(function (key) {
    if (state[key]) { params.set(key, state[key]); }
  });
  if (state.page > 1) { params.set('page', String(state.page)); }
  if (state.open >= 0) { params.set('open', String(state.open)); }
  var text = params.toString();
  history.replaceState(null, '', text ? '#' + text : location.pathname + location.search);
}
// Sets the controls' values and their value attributes, so that a saved or printed page and a
// dumped DOM show the filters too.
function syncControls() {
  [['f-severity', 'severity'], ['f-rule', 'rule']].forEach(function (pair) {
    var select = $(pair[0]);
    Array.prototype.forEach.call(select.options, function (option) {
      option.defaultSelected = option.value === state[pair[1]];
    });
    select.value = state[pair[1]];
  });
  [['f-device', 'device'], ['f-process', 'process'], ['f-dest', 'dest']].forEach(function (pair) {
    $(pair[0]).defaultValue = state[pair[1]];
    $(pair[0]).value = state[pair[1]];
  });
}

function applyFilters() {
  var severities = state.severity ? state.severity.split(',') : null;
  var device = state.device.toLowerCase();
  var process = state.process.toLowerCase();
  var dest = state.dest.toLowerCase();
  matching = findings.filter(function (f) {
    if (severities && severities.indexOf(f.severity) < 0) { return false; }
    if (state.rule && f.rules.indexOf(state.rule) < 0) { return false; }
    if (device && f.deviceKey.indexOf(device) < 0) { return false; }
    if (process && f.processKey.indexOf(process) < 0) { return false; }
    if (dest && f.destKey.indexOf(dest) < 0) { return false; }
    return true;
  });
  if (state.sort) {
    var key = state.sort === 'rules' ? 'rulesText' : state.sort;
    var sign = (state.dir || (TEXT_SORT[state.sort] ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
    matching.sort(function (a, b) {
      var x = a[key], y = b[key];
      var missingX = x === null || x === '', missingY = y === null || y === '';
      if (missingX !== missingY) { return missingX ? 1 : -1; }
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return a.index - b.index;
    });
  }
}

function section(parent, title) {
  add(parent, el('h4', '', title));
}
function list(parent, tag, items) {
  var node = add(parent, el(tag));
  items.forEach(function (item) { add(node, el('li', '', item)); });
  return node;
}
function facts(parent, pairs) {
  var dl = add(parent, el('dl', 'facts'));
  pairs.forEach(function (pair) {
    if (pair[1] === null || pair[1] === undefined || pair[1] === '' ||
        (Array.isArray(pair[1]) && pair[1].length === 0)) { return; }
    add(dl, el('dt', '', pair[0]));
    add(dl, el('dd', '', Array.isArray(pair[1]) ? pair[1].join(', ') : pair[1]));
  });
  return dl;
}
function copyButton(parent, text) {
  var button = add(parent, el('button', 'copy', 'Copy query'));
  button.type = 'button';
  button.addEventListener('click', function (event) {
    event.stopPropagation();
    var done = function () { button.textContent = 'Copied'; };
    var fallback = function () {
      var area = el('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand('copy'); done(); } catch (e) { button.textContent = 'Select and copy the query'; }
      document.body.removeChild(area);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
}
function kqlContent(value) {
  return valueText(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
function fillQuery(kql, evidence) {
  return kql.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, function (match, name) {
    return evidence && Object.prototype.hasOwnProperty.call(evidence, name) ? kqlContent(evidence[name]) : match;
  });
}

function seconds(value) {
  return value === null ? null : Number(value.toPrecision(4)) + ' s';
}
function renderBeacon(parent, f) {
  var b = f.beacon;
  section(parent, 'Beacon');
  facts(parent, [
    ['connections', b.connections], ['period', seconds(b.period)],
    ['jitter', b.jitter === null ? null : Math.round(b.jitter * 100) + ' %'],
    ['median interval', seconds(b.median)], ['mean interval', seconds(b.mean)],
    ['standard deviation', seconds(b.stdev)]]);
  var figure = b.plotted ? $('beacon-' + f.index) : null;
  if (figure) {
    var copy = figure.cloneNode(true);
    copy.removeAttribute('id');
    add(parent, copy);
  } else {
    add(parent, el('p', 'note', b.timestamps > 1 ? 'Plots are drawn for the first beacons only; see the overview.' :
      'No connection times in the evidence (BeaconTimestamps), so no plot; the interval statistics are above.'));
  }
}
function renderTls(parent, f) {
  var t = f.tls;
  section(parent, 'TLS handshake');
  var grid = add(parent, el('div', 'side-by-side'));
  var seen = add(grid, el('div'));
  add(seen, el('h4', '', 'Observed'));
  facts(seen, t.facts);
  var expected = add(grid, el('div'));
  if (t.service) {
    add(expected, el('h4', '', 'What ' + t.service + ' would present (expectation)'));
    facts(expected, [['host', t.host], ['issuer organisation', t.expected_issuers.join(' or ')]]);
    if (t.issuer_matches === false) {
      add(expected, el('p', 'verdict-differs', 'The issuer is not one that ' + t.service + ' uses.'));
    } else if (t.issuer_matches === true) {
      add(expected, el('p', 'verdict-matches', 'The issuer is one that ' + t.service + ' uses.'));
    }
    add(expected, el('p', 'note', 'Expectation from unmask\'s built-in list of services; certificate authorities ' +
      'change, so confirm against the service\'s current certificate.'));
  } else {
    add(expected, el('h4', '', 'Expectation'));
    add(expected, el('p', 'note', 'The host ' + (t.host || '(none)') + ' is not in unmask\'s list of well-known services.'));
  }
}
function renderReason(parent, reason) {
  add(parent, el('h4', '', reason.rule_title + ' (' + reason.rule_id + '), ' + reason.severity + ', confidence ' +
    reason.confidence));
  add(parent, el('p', '', reason.explanation));
  if (reason.evidence && typeof reason.evidence === 'object') {
    var details = add(parent, el('details'));
    add(details, el('summary', '', 'Evidence row'));
    var table = add(details, el('table', 'evidence'));
    Object.keys(reason.evidence).forEach(function (key) {
      var row = add(table, el('tr'));
      add(row, el('td', '', key));
      add(row, el('td', 'mono', valueText(reason.evidence[key])));
    });
  }
  var rule = rules[reason.rule_id];
  if (!rule) {
    add(parent, el('p', 'note', 'The rule file was not loaded, so its triage and response steps are not shown.'));
    return;
  }
  if (rule.triage.length) { add(parent, el('h4', '', 'Triage')); list(parent, 'ol', rule.triage); }
  rule.queries.forEach(function (query) {
    add(parent, el('h4', '', query.title));
    var text = fillQuery(query.kql, reason.evidence);
    add(parent, el('pre', '', text));
    copyButton(parent, text);
  });
  if (rule.response.length) { add(parent, el('h4', '', 'Response')); list(parent, 'ol', rule.response); }
  if (rule.false_positives.length) {
    add(parent, el('h4', '', 'Known false positives'));
    list(parent, 'ul', rule.false_positives);
  }
}
function renderDetails(f) {
  var row = el('tr', 'details');
  row.id = 'finding-details-' + f.index;
  var cell = add(row, el('td'));
  cell.colSpan = 9;
  add(cell, el('p', '', f.explanation));
  facts(cell, [['finding id', f.id], ['severity', f.severity], ['confidence', f.confidence], ['score', f.score],
    ['first seen', f.first], ['last seen', f.last], ['device', f.device], ['process', f.process],
    ['process id', f.process_id], ['command line', f.command_line], ['folder path', f.folder_path],
    ['remote addresses', f.remote_ips], ['remote ports', f.remote_ports], ['remote names', f.remote_names],
    ['count', f.count], ['bytes sent', f.bytes_sent], ['bytes received', f.bytes_received], ['ATT&CK', f.attack]]);
  if (f.beacon) { renderBeacon(cell, f); }
  if (f.tls) { renderTls(cell, f); }
  section(cell, 'Pivot in Defender (Advanced Hunting)');
  add(cell, el('pre', 'pivot', f.pivot));
  copyButton(cell, f.pivot);
  f.reasons.forEach(function (reason) { renderReason(cell, reason); });
  return row;
}

function toggle(f, row, button) {
  var open = !expanded[f.index];
  expanded[f.index] = open;
  button.setAttribute('aria-expanded', String(open));
  if (open) {
    row.parentNode.insertBefore(renderDetails(f), row.nextSibling);
  } else {
    var details = $('finding-details-' + f.index);
    if (details) { details.parentNode.removeChild(details); }
  }
}
function renderRow(body, f) {
  var row = add(body, el('tr', 'finding-row sev-row-' + f.severity));
  row.dataset.index = String(f.index);
  var toggleCell = add(row, el('td'));
  var button = add(toggleCell, el('button', 'toggle', '\u25B8'));
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', 'finding-details-' + f.index);
  button.setAttribute('aria-label', 'Details of finding ' + (f.index + 1));
  add(add(row, el('td')), el('span', 'badge sev-' + f.severity, f.severity));
  add(row, el('td', 'num', f.score.toFixed(1)));
  add(row, el('td', 'mono time', f.first ? f.first.replace('T', ' ').slice(0, 19) : ''));
  add(row, el('td', '', f.device));
  add(row, el('td', '', f.process));
  add(row, el('td', 'mono', f.destination));
  add(row, el('td', '', f.rulesText));
  var explanation = add(row, el('td', 'explanation', f.explanation));
  explanation.title = f.explanation;
  button.addEventListener('click', function (event) { event.stopPropagation(); toggle(f, row, button); });
  row.addEventListener('click', function () { toggle(f, row, button); });
  if (expanded[f.index]) {
    expanded[f.index] = false;
    toggle(f, row, button);
  }
}

function render() {
  applyFilters();
  var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  if (state.open >= 0) {
    var position = matching.findIndex(function (f) { return f.index === state.open; });
    if (position >= 0) { state.page = Math.floor(position / PAGE_SIZE) + 1; expanded[state.open] = true; }
  }
  state.page = Math.min(Math.max(1, state.page), pages);
  var body = $('findings-body');
  while (body.firstChild) { body.removeChild(body.firstChild); }
  var start = (state.page - 1) * PAGE_SIZE;
  var shown = matching.slice(start, start + PAGE_SIZE);
  shown.forEach(function (f) { renderRow(body, f); });
  $('count-shown').textContent = String(shown.length);
  $('count-filtered').textContent = String(matching.length);
  $('count-total').textContent = String(findings.length);
  $('page-info').textContent = 'Page ' + state.page + ' of ' + pages;
  $('page-prev').disabled = state.page <= 1;
  $('page-next').disabled = state.page >= pages;
  Array.prototype.forEach.call(document.querySelectorAll('#findings th[data-key]'), function (th) {
    var key = th.getAttribute('data-key');
    if (key === state.sort) {
      var dir = state.dir || (TEXT_SORT[key] ? 'asc' : 'desc');
      th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    } else {
      th.removeAttribute('aria-sort');
    }
  });
}

function update(changes) {
  Object.keys(changes).forEach(function (key) { state[key] = changes[key]; });
  writeHash();
  render();
}
function onFilter(id, key) {
  $(id).addEventListener('input', function () {
    var change = {page: 1, open: -1};
    change[key] = this.value;
    update(change);
  });
}
onFilter('f-severity', 'severity');
onFilter('f-rule', 'rule');
onFilter('f-device', 'device');
onFilter('f-process', 'process');
onFilter('f-dest', 'dest');
$('f-clear').addEventListener('click', function () {
  update({severity: '', rule: '', device: '', process: '', dest: '', page: 1, open: -1});
  syncControls();
});
$('page-prev').addEventListener('click', function () { update({page: state.page - 1, open: -1}); });
$('page-next').addEventListener('click', function () { update({page: state.page + 1, open: -1}); });
Array.prototype.forEach.call(document.querySelectorAll('#findings th button[data-sort]'), function (button) {
  button.addEventListener('click', function () {
    var key = button.getAttribute('data-sort');
    var natural = TEXT_SORT[key] ? 'asc' : 'desc';
    var dir = natural;
    if (state.sort === key) {
      var current = state.dir || natural;
      dir = current === 'asc' ? 'desc' : 'asc';
    }
    update({sort: key, dir: dir, page: 1});
  });
});
window.addEventListener('hashchange', function () {
  if (readHash()) {
    syncControls();
    render();
    $('findings-section').scrollIntoView();
  }
});
var printExpanded = [];
window.addEventListener('beforeprint', function () {
  Array.prototype.forEach.call(document.querySelectorAll('#findings-body tr.finding-row'), function (row) {
    var index = parseInt(row.dataset.index, 10);
    if (!expanded[index]) {
      printExpanded.push(index);
      toggle(findings[index], row, row.querySelector('button.toggle'));
    }
  });
});
window.addEventListener('afterprint', function () {
  printExpanded.forEach(function (index) {
    var row = document.querySelector('#findings-body tr.finding-row[data-index="' + index + '"]');
    if (row) { toggle(findings[index], row, row.querySelector('button.toggle')); }
  });
  printExpanded = [];
});
readHash();
syncControls();
render();
document.documentElement.setAttribute('data-rendered', 'true');
})();
)JS";
    return kScript;
}

} // namespace unmask::output
