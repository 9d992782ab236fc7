"""Scoring of the accuracy benchmark: verdicts per case, precision and recall per rule, reports."""

import json

SEVERITY_RANK = {"informational": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
ALARM_RANK = SEVERITY_RANK["medium"]


def read_findings(jsonl_path):
    """Return {rule_id: (highest severity, explanation of that finding)} from `unmask hunt --no-merge` JSONL."""
    fired = {}
    with open(jsonl_path) as file:
        for line in file:
            if not line.strip():
                continue
            finding = json.loads(line)
            for reason in finding.get("reasons", []):
                rule = reason["rule_id"]
                severity = reason.get("severity", finding["severity"])
                known = fired.get(rule)
                if known is None or SEVERITY_RANK[severity] > SEVERITY_RANK[known[0]]:
                    fired[rule] = (severity, reason.get("explanation", finding.get("explanation", "")))
    return fired


class CaseResult:
    def __init__(self, case, fired, error=None):
        self.case = case
        self.fired = fired
        self.error = error

    @property
    def id(self):
        return self.case["id"]

    @property
    def label(self):
        return self.case["label"]

    def found(self):
        return [rule for rule in self.case.get("expect", []) if rule in self.fired]

    def missed(self):
        return [rule for rule in self.case.get("expect", []) if rule not in self.fired]

    def alarms(self):
        """Rules that reported the case at medium severity or above."""
        return sorted(rule for rule, (severity, _) in self.fired.items() if SEVERITY_RANK[severity] >= ALARM_RANK)

    def unexpected_alarms(self):
        known = set(self.case.get("known_false_alarms", []))
        return [rule for rule in self.alarms() if rule not in known] if self.label == "BEN" else []


def rule_table(results):
    """Return rows (rule, tp, fn, fp, ben_low) for every rule that is expected or fired."""
    rules = set()
    for result in results:
        rules.update(result.case.get("expect", []))
        rules.update(result.fired)
    rows = []
    for rule in sorted(rules):
        tp = sum(1 for r in results if r.label == "POS" and rule in r.case.get("expect", []) and rule in r.fired)
        fn = sum(1 for r in results if r.label == "POS" and rule in r.case.get("expect", []) and rule not in r.fired)
        fp = sum(1 for r in results if r.label == "BEN" and rule in r.alarms())
        ben_low = sum(1 for r in results if r.label == "BEN" and rule in r.fired and rule not in r.alarms())
        rows.append((rule, tp, fn, fp, ben_low))
    return rows


def ratio(numerator, denominator):
    return f"{numerator / denominator:.2f}" if denominator else "-"


def summary(results):
    pos = [r for r in results if r.label == "POS"]
    ben = [r for r in results if r.label == "BEN"]
    pairs = sum(len(r.case.get("expect", [])) for r in pos)
    pairs_found = sum(len(r.found()) for r in pos)
    pos_complete = sum(1 for r in pos if not r.missed())
    pos_alarmed = sum(1 for r in pos if r.alarms())
    ben_alarmed = sum(1 for r in ben if r.alarms())
    rows = rule_table(results)
    tp = sum(row[1] for row in rows)
    fp = sum(row[3] for row in rows)
    return {
        "cases": len(results), "pos": len(pos), "ben": len(ben),
        "pairs": pairs, "pairs_found": pairs_found, "pos_complete": pos_complete,
        "pos_alarmed": pos_alarmed, "ben_alarmed": ben_alarmed,
        "rule_precision": ratio(tp, tp + fp), "rule_recall": ratio(pairs_found, pairs),
        "case_precision": ratio(pos_alarmed, pos_alarmed + ben_alarmed), "case_recall": ratio(pos_complete, len(pos)),
    }


def verdict_lines(results):
    """One line per check, tab-separated: case, label, check, ok or FAIL, detail. The unit test reads these."""
    lines = []
    for result in results:
        if result.error:
            lines.append((result.id, result.label, "hunt", "FAIL", result.error))
            continue
        if result.label == "POS":
            known_misses = set(result.case.get("known_misses", []))
            for rule in result.case.get("expect", []):
                if rule in known_misses:
                    still = rule not in result.fired
                    lines.append((result.id, "POS", "known miss " + rule, "ok",
                                  "still missed" if still else "now found; remove it from known_misses"))
                    continue
                ok = rule in result.fired
                detail = result.fired[rule][1] if ok else "no finding of " + rule + "; fired: " + (", ".join(sorted(result.fired)) or "nothing")
                lines.append((result.id, "POS", "found by " + rule, "ok" if ok else "FAIL", detail))
        else:
            unexpected = result.unexpected_alarms()
            detail = "; ".join(f"{rule} ({result.fired[rule][0]}): {result.fired[rule][1]}" for rule in unexpected)
            lines.append((result.id, "BEN", "no unexpected alarm", "FAIL" if unexpected else "ok", detail or "-"))
            for rule in result.case.get("known_false_alarms", []):
                still = rule in result.alarms()
                lines.append((result.id, "BEN", "known false alarm " + rule, "ok",
                              "still reported" if still else "no longer reported; remove it from known_false_alarms"))
    return ["\t".join(str(part).replace("\t", " ").replace("\n", " ") for part in line) for line in lines]


def one_line(text, limit=400):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def text_report(results):
    out = []
    rows = rule_table(results)
    out.append(f"{'rule':34} {'TP':>3} {'FN':>3} {'FP':>3} {'BEN low':>7} {'precision':>9} {'recall':>6}")
    for rule, tp, fn, fp, ben_low in rows:
        out.append(f"{rule:34} {tp:3} {fn:3} {fp:3} {ben_low:7} {ratio(tp, tp + fp):>9} {ratio(tp, tp + fn):>6}")
    s = summary(results)
    out.append("")
    out.append(f"cases: {s['cases']} ({s['pos']} POS, {s['ben']} BEN)")
    out.append(f"expected rule findings: {s['pairs_found']} of {s['pairs']} (recall {s['rule_recall']}); "
               f"rule precision over all rules {s['rule_precision']}")
    out.append(f"POS cases found by every expected rule: {s['pos_complete']} of {s['pos']} (recall {s['case_recall']})")
    out.append(f"cases with a medium+ finding: {s['pos_alarmed']} POS, {s['ben_alarmed']} BEN (precision {s['case_precision']})")
    out.append("")
    out.append("misses:")
    for result in results:
        if result.error:
            out.append(f"  {result.id}: hunt failed: {result.error}")
        for rule in result.missed() if result.label == "POS" and not result.error else []:
            others = ", ".join(f"{r} ({sev})" for r, (sev, _) in sorted(result.fired.items())) or "nothing"
            known = " [known]" if rule in result.case.get("known_misses", []) else " [UNEXPECTED]"
            out.append(f"  {result.id}: {rule} did not fire{known}; fired: {others}")
    out.append("false alarms (BEN, medium or above):")
    for result in results:
        if result.label != "BEN":
            continue
        for rule in result.alarms():
            severity, explanation = result.fired[rule]
            known = " [known]" if rule in result.case.get("known_false_alarms", []) else " [UNEXPECTED]"
            out.append(f"  {result.id}: {rule} ({severity}){known}: {one_line(explanation)}")
    return "\n".join(out)


def markdown_report(results):
    out = ["| rule | TP | FN | FP | BEN, low only | precision | recall |", "|---|---|---|---|---|---|---|"]
    for rule, tp, fn, fp, ben_low in rule_table(results):
        out.append(f"| `{rule}` | {tp} | {fn} | {fp} | {ben_low} | {ratio(tp, tp + fp)} | {ratio(tp, tp + fn)} |")
    s = summary(results)
    out += ["", f"- Cases: {s['cases']} ({s['pos']} POS, {s['ben']} BEN).",
            f"- Expected rule findings: {s['pairs_found']} of {s['pairs']} (recall {s['rule_recall']}); "
            f"precision over all rules {s['rule_precision']}.",
            f"- POS cases found by every expected rule: {s['pos_complete']} of {s['pos']} (recall {s['case_recall']}).",
            f"- Cases with a finding of medium severity or above: {s['pos_alarmed']} POS and {s['ben_alarmed']} BEN "
            f"(case precision {s['case_precision']}).", "", "### Per case", "",
            "| case | label | expected | fired (highest severity) |", "|---|---|---|---|"]
    for result in results:
        fired = ", ".join(f"{rule} ({severity})" for rule, (severity, _) in sorted(result.fired.items())) or "none"
        if result.error:
            fired = "hunt failed: " + result.error
        expected = ", ".join(result.case.get("expect", [])) or "-"
        out.append(f"| {result.id} | {result.label} | {expected} | {fired} |")
    out += ["", "### Misses", ""]
    misses = [(r, rule) for r in results if r.label == "POS" and not r.error for rule in r.missed()]
    out += [f"- **{r.id}**: `{rule}` did not fire. {r.case['reason']}" for r, rule in misses] or ["None."]
    out += ["", "### False alarms", ""]
    alarms = [(r, rule) for r in results if r.label == "BEN" for rule in r.alarms()]
    out += [f"- **{r.id}**: `{rule}` ({r.fired[rule][0]}): {one_line(r.fired[rule][1])}" for r, rule in alarms] or ["None."]
    return "\n".join(out) + "\n"
