"""The docs say what the code does.

- every ```python block of the README and of docs/*.md runs as written (each page's blocks in order, in one
  namespace, from the repository root) and writes nothing into the repository;
- every `corridor ...` command line of a ```bash block parses, and the scenario files, cases and parameters it
  names exist;
- the output excerpts are lines of what a run prints today, the ```toml blocks are TOML, and the ```csv rows of the
  how-to add a route that a run finds;
- relative links and images resolve (anchors too), and docs/network-format.md is what corridor/schema.py generates.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest

import corridor
from corridor import schema
from corridor.cli import _parser
from corridor.tools import docs as docs_tool

from .conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
# Pages whose snippets take more than a few seconds (draws, allocations, charts): still run by `pytest -q`.
SLOW = {"README.md", "how-to.md", "outputs.md"}
LANGUAGES = {"python", "bash", "toml", "text", "csv"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def fences(page: Path) -> list[tuple[str, str]]:
    """(language, body) of every fenced block of ``page``, in order."""
    return [(lang.strip(), body) for lang, body in FENCE.findall(page.read_text(encoding="utf-8"))]


def blocks(page: Path, language: str) -> list[str]:
    return [body for lang, body in fences(page) if lang == language]


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


# ----- Python snippets ---------------------------------------------------------------------------------------------

def _page_param(page: Path):
    return pytest.param(page, id=_name(page), marks=[pytest.mark.slow] if page.name in SLOW else [])


@pytest.mark.parametrize("page", [_page_param(p) for p in PAGES if blocks(p, "python")])
def test_python_snippets_run_as_written(page, monkeypatch):
    monkeypatch.chdir(ROOT)  # scenario paths such as scenarios/... are relative to the repository root
    before = sorted(ROOT.iterdir())
    namespace: dict = {"__name__": "__docs__"}
    for i, code in enumerate(blocks(page, "python"), start=1):
        assert "..." not in code, f"{_name(page)}: python block {i} has a '...' placeholder (use a text block)"
        exec(compile(code, f"{_name(page)}, python block {i}", "exec"), namespace)
    assert sorted(ROOT.iterdir()) == before, f"{_name(page)}: a snippet wrote into the repository"


def test_every_block_says_its_language():
    for page in PAGES:
        for lang, body in fences(page):
            assert lang in LANGUAGES, f"{_name(page)}: a block marked {lang!r} ({body[:40]!r}): use one of {LANGUAGES}"


def test_the_python_snippets_cover_the_lazy_subpackages():
    text = "\n".join(b for p in PAGES for b in blocks(p, "python"))
    for call in ("corridor.flows.allocate(", "corridor.uncertainty.tornado(", "corridor.uncertainty.breakeven(",
                 "corridor.plot.write_plots("):
        assert call in text, f"no snippet calls {call}...)"


# ----- command lines -----------------------------------------------------------------------------------------------

def _command_lines() -> list:
    found = []
    for page in PAGES:
        for body in blocks(page, "bash"):
            for line in body.splitlines():
                words = shlex.split(line, comments=True)
                command: list[str] = []
                for w in [*words, "&&"]:
                    if w in ("&&", "||", ";", "|"):
                        if command and command[0] == "corridor":
                            found.append(pytest.param(page, command[1:], id=f"{page.name}: {shlex.join(command)}"))
                        command = []
                    else:
                        command.append(w)
    return found


COMMANDS = _command_lines()


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("page,argv", COMMANDS)
def test_command_lines_parse(page, argv, capsys):
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        if exit_.code == 0:  # --help
            return
        pytest.fail(f"{_name(page)}: `corridor {shlex.join(argv)}` does not parse: {capsys.readouterr().err}")
    for attr in ("scenario", "path", "name"):
        value = getattr(args, attr, None)
        if value is not None and str(value).startswith(("scenarios/", "corridor/data/")):
            assert (ROOT / value).exists(), f"{_name(page)}: {value} does not exist"
    scenario = getattr(args, "scenario", None)
    if scenario is not None and (ROOT / scenario).is_file():
        s = corridor.load_scenario(ROOT / scenario)
        names = {c.name for c in s.cases}
        for case in [getattr(args, "case", None), *(getattr(args, "plot_case", None) or [])]:
            assert case is None or case in names, f"{_name(page)}: {scenario} has no case {case!r}"
        param = getattr(args, "param", None)
        assert param is None or param in {e.name for e in s.uncertainty} | {e.group_label for e in s.uncertainty}


def test_the_readme_set_up_commands_are_the_ones_ci_runs():
    bash = blocks(README, "bash")
    assert "pip install . && corridor run scenarios/test_shipment_2015.toml\n" in bash
    assert 'pip install ".[test]" && pytest -q\n' in bash
    assert 'pip install ".[test]" && pytest -q' in (ROOT / ".ci" / "run").read_text()


# ----- excerpts, TOML, CSV -------------------------------------------------------------------------------------------

def _assert_lines_of(excerpt: str, output: str, where: str) -> None:
    lines = set(output.splitlines())
    for line in excerpt.splitlines():
        if line.strip() not in ("", "...") and line not in lines:
            pytest.fail(f"{where}: this line is not in what the run prints today:\n{line}")


def _block_starting(page: Path, start: str) -> str:
    return next(b for b in blocks(page, "text") if b.startswith(start))


@pytest.mark.slow
def test_output_excerpts_are_what_a_run_prints():
    from corridor.report import text_report

    shipment = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml")
    _assert_lines_of(_block_starting(README, "Case: baseline"), text_report(corridor.run(shipment)), "README.md")

    scale = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    first = scale.with_cases([scale.data["cases"][0]])
    _assert_lines_of(_block_starting(DOCS / "outputs.md", "Case: 5 Mt/yr"), text_report(corridor.run(first)),
                     "docs/outputs.md")

    uncertain = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015_uncertainty.toml")
    (found,) = corridor.uncertainty.breakeven(uncertain, "RZD port coefficient", ("vostochny", "qinhuangdao"),
                                              case="baseline", within=(0.336, 1.0))
    _assert_lines_of(_block_starting(DOCS / "outputs.md", "baseline: "), str(found), "docs/outputs.md")


def test_toml_blocks_are_toml():
    for page in PAGES:
        for i, body in enumerate(blocks(page, "toml"), start=1):
            try:
                tomllib.loads(body)
            except tomllib.TOMLDecodeError as err:
                pytest.fail(f"{_name(page)}: toml block {i}: {err}")


def test_how_to_rows_add_a_route_that_a_run_finds(tmp_path):
    folder = tmp_path / "mynet"
    shutil.copytree(ROOT / "corridor" / "data" / "baseline", folder)
    headers = {f.read_text(encoding="utf-8").splitlines()[0]: f for f in folder.glob("*.csv")}
    new_nodes = []
    for body in blocks(DOCS / "how-to.md", "csv"):
        header, *rows = body.splitlines()
        assert header in headers, f"docs/how-to.md: a csv block's header is not that of a baseline file: {header}"
        with headers[header].open("a", encoding="utf-8") as fh:
            fh.write("".join(row + "\n" for row in rows))
        if headers[header].name == "nodes.csv":
            new_nodes += [row.split(",")[0] for row in rows]
    assert new_nodes
    s = corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml")
    res = corridor.run(s.with_network(corridor.load_network(folder)).with_cases([{"name": "baseline"}]))
    for node in new_nodes:
        assert any(node in nodes for nodes in res.routes["nodes"]), f"no route of the test shipment passes {node}"


# ----- links and the generated reference ---------------------------------------------------------------------------

def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_relative_links_and_images_resolve():
    for page in PAGES:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path) if path else page
            assert file.exists(), f"{_name(page)}: link to {target}: no such file"
            if anchor:
                assert file.suffix == ".md" and anchor in _anchors(file), \
                    f"{_name(page)}: link to {target}: no such heading"


def test_network_format_page_is_what_schema_generates(tmp_path):
    page = DOCS / "network-format.md"
    text = page.read_text(encoding="utf-8")
    assert schema.reference_markdown().strip() in text  # the tables
    assert text == docs_tool.network_format(), "run: python -m corridor.tools.docs"
    assert docs_tool.main(["--check", str(page)]) == 0
    assert docs_tool.main([str(tmp_path / "nf.md")]) == 0
    assert (tmp_path / "nf.md").read_text(encoding="utf-8") == text
    (tmp_path / "nf.md").write_text(text.replace("| `lat` |", "| `latitude` |"), encoding="utf-8")
    assert docs_tool.main(["--check", str(tmp_path / "nf.md")]) == 1
