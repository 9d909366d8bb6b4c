"""Report: spin-score results in, text for people or CI systems out.

`render_scores(results, format, fail_above)` takes one dict per document
(`file`, `spin_score`, `failed`, `worst_sentences`) as `restore score` builds
them and gives a plain-text table, JSON, JUnit XML (one test case per
document, failed when its score is above the threshold) or GitHub Actions
annotations (`::error file=...::`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

FORMATS = ("text", "json", "junit", "github")


def render_scores(results: list[dict], fmt: str, fail_above: float) -> str:
    """The results in `fmt`, one of `FORMATS`."""
    return {"text": _text, "json": _json, "junit": _junit, "github": _github}[fmt](
        results, fail_above
    )


def _text(results: list[dict], fail_above: float) -> str:
    lines = []
    for r in results:
        verdict = "FAIL" if r["failed"] else "ok"
        lines.append(f"{r['spin_score']:.3f}  {verdict:4}  {r['file']}")
        for s in r["worst_sentences"]:
            lines.append(f"        {s['score']:.3f}  {_excerpt(s['text'])}")
    failed = sum(r["failed"] for r in results)
    lines.append(f"{failed} of {len(results)} documents above {fail_above}")
    return "\n".join(lines) + "\n"


def _json(results: list[dict], fail_above: float) -> str:
    return json.dumps({"fail_above": fail_above, "documents": results}, indent=2,
                      ensure_ascii=False) + "\n"


def _junit(results: list[dict], fail_above: float) -> str:
    suite = ET.Element("testsuite", name="restore score", tests=str(len(results)),
                       failures=str(sum(r["failed"] for r in results)))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="restore.score", name=r["file"])
        if r["failed"]:
            failure = ET.SubElement(
                case, "failure",
                message=f"spin score {r['spin_score']:.3f} is above {fail_above}",
            )
            failure.text = "\n".join(
                f"{s['score']:.3f} {s['text']}" for s in r["worst_sentences"]
            )
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _github(results: list[dict], fail_above: float) -> str:
    lines = []
    for r in results:
        if r["failed"]:
            worst = r["worst_sentences"][0]["text"] if r["worst_sentences"] else ""
            lines.append(
                f"::error file={r['file']},title=Spun copy::spin score "
                f"{r['spin_score']:.3f} above {fail_above}; worst sentence: {_excerpt(worst)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def _excerpt(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
