"""The `relmkt` command's platform: arguments, in-process checks, read_table, the template runner.

The real templates (report, churn) are tested elsewhere; here the runner executes small templates
written in tmp_path, and the commands' checks run with the runner replaced (no kernel) unless said.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from relmkt_lib import _cli, _run_template
from relmkt_lib.data import read_table

LOG = "customer_id,date,amount\na,2024-01-03,25.0\na,2024-02-10,40.0\nb,2024-01-15,12.5\nc,2024-03-01,60.0\n"
REPORT_PARAMS = ["transactions_path", "customer_col", "date_col", "amount_col", "date_format", "dayfirst",
                 "observation_end", "sep", "decimal", "out_dir", "n_draws", "rng"]


def write(tmp_path: Path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def no_kernel(monkeypatch):
    """The runner replaced: records the parameters; the CLI's checks run alone."""
    calls = []

    def fake_run(template, params, **kwargs):
        calls.append((template, params))
        return _run_template.RunResult(notebook=new_notebook(cells=[new_markdown_cell("# Fake")]))

    monkeypatch.setattr(_run_template, "run_template", fake_run)
    monkeypatch.setattr(_run_template, "save_outputs",
                        lambda nb, out, **kw: (Path(out) / "report.ipynb", Path(out) / "report.html"))
    return calls


def run_cli(argv, capsys) -> tuple[int, str, str]:
    code = _cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("command, words", [
    ([], ["report", "churn", "--debug", "--quiet"]),
    (["report"], ["--customer-col", "--date-col", "--amount-col", "--dayfirst", "--date-format",
                  "--observation-end", "--out", "--show-code", "--draws"]),
    (["churn"], ["--target", "--id-col", "--positive", "--model", "--cv", "--out"]),
])
def test_help_of_each_command(command, words, capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main([*command, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert all(w in text for w in words), text


def test_help_through_python_m_and_the_installed_command():
    out = subprocess.run([sys.executable, "-m", "relmkt_lib", "report", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "TRANSACTIONS.csv" in out.stdout
    script = Path(sys.executable).parent / "relmkt"
    if script.exists():  # installed by `pip install -e .`
        out = subprocess.run([str(script), "churn", "--help"], capture_output=True, text=True)
        assert out.returncode == 0 and "CUSTOMERS.csv" in out.stdout


@pytest.mark.parametrize("argv", [
    [],                                                         # no command
    ["report"],                                                 # no file
    ["report", "x.csv", "--no-such-option"],
    ["report", "x.csv", "--dayfirst", "--date-format", "%d/%m/%Y"],  # exclusive
    ["report", "x.csv", "--draws", "many"],
    ["churn", "x.csv"],                                         # --target is required
    ["churn", "x.csv", "--target", "t", "--model", "forest"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(argv)
    assert info.value.code == 2
    assert "usage: relmkt" in capsys.readouterr().err


def test_debug_and_quiet_before_or_after_the_command(tmp_path, no_kernel, capsys):
    path = write(tmp_path, LOG)
    assert run_cli(["--quiet", "report", path, "--out", tmp_path / "o"], capsys)[2] == ""
    assert run_cli(["report", path, "--quiet", "--out", tmp_path / "o"], capsys)[2] == ""
    assert "Read " in run_cli(["report", path, "--out", tmp_path / "o"], capsys)[2]


# --- the checks before the kernel (the messy cases of tests/test_trials_data.py) ---------------

def test_a_clean_log_passes_its_parameters_to_the_template(tmp_path, no_kernel, capsys):
    path = write(tmp_path, LOG)
    code, out, err = run_cli(["report", path, "--out", tmp_path / "o", "--draws", 20], capsys)
    assert code == 0, err
    template, params = no_kernel[0]
    assert template == "report" and set(params) == set(REPORT_PARAMS)
    assert params["transactions_path"] == str(path.resolve()) and params["out_dir"] == str((tmp_path / "o").resolve())
    assert params["amount_col"] == "amount" and params["n_draws"] == 20 and params["dayfirst"] is None
    assert "Amounts: column 'amount'" in err and "4 of 4 rows kept" in err


def test_day_first_dates_not_said_exit_1_with_the_library_message(tmp_path, no_kernel, capsys):
    path = write(tmp_path, "customer_id,date\na,03/01/2024\na,10/02/2024\nb,05/01/2024\n")
    code, out, err = run_cli(["report", path], capsys)
    assert code == 1 and not no_kernel
    assert "column 'date'" in err and "3 January 2024 day-first or 1 March 2024 month-first" in err
    assert "--dayfirst for dayfirst" in err and "--monthfirst" in err and "Traceback" not in err
    assert "the first is row 0 (line 2)" in err and "line N + 2" not in err  # file lines, inline
    assert run_cli(["report", path, "--dayfirst", "--out", tmp_path / "o"], capsys)[0] == 0
    assert no_kernel[0][1]["dayfirst"] is True


def test_text_and_number_ids_are_read_as_text(tmp_path, no_kernel, capsys):
    """The trials' mixed 7 / "7" column cannot come out of read_table: ids are text, "007" stays "007"."""
    path = write(tmp_path, "customer_id,date\n7,2024-01-03\n007,2024-02-10\nA7,2024-01-15\n7,2024-03-01\n")
    assert read_table(path, dtype={"customer_id": str})["customer_id"].tolist() == ["7", "007", "A7", "7"]
    assert read_table(path)["customer_id"].map(type).nunique() == 1  # never a mix of int and str
    code, _, err = run_cli(["report", path, "--out", tmp_path / "o"], capsys)
    assert code == 0, err


def test_a_2099_date_is_an_error_naming_its_line_and_value(tmp_path, no_kernel, capsys):
    path = write(tmp_path, LOG + "b,2099-01-15,9.0\n")
    code, _, err = run_cli(["report", path, "--out", tmp_path / "o"], capsys)
    assert code == 1 and not no_kernel and "Traceback" not in err
    assert ("error: column 'date': 1 row(s) lie far after the other dates, which end on 2024-03-01; the first is "
            "row 4 (line 6), '2099-01-15'") in err
    assert "Correct the row in the file" in err and "note:" not in err  # the library's note is not repeated
    # --observation-end cuts the log there: the 2099 row is left out and counted, and the run goes on
    code, _, err = run_cli(["report", path, "--observation-end", "2024-03-31", "--out", tmp_path / "o"], capsys)
    assert code == 0 and "--observation-end 2024-03-31: 1 row(s) after it left out" in err
    assert "far after" not in err and "Checked the log: 4 of 5 rows kept" in err
    assert no_kernel[-1][1]["observation_end"] == "2024-03-31"
    code, _, err = run_cli(["report", path, "--observation-end", "2020-01-01", "--out", tmp_path / "o"], capsys)
    assert code == 1 and "every purchase of the file is after it" in err


def test_dates_whose_order_a_row_settles_are_said(tmp_path, no_kernel, capsys):
    path = write(tmp_path, "customer_id,date\na,03/01/2024\na,10/02/2024\nb,25/01/2024\n")
    code, _, err = run_cli(["report", path, "--out", tmp_path / "o"], capsys)
    assert code == 0, err
    assert "Dates read as day/month/year: '25/01/2024' on line 4 settles it; pass --monthfirst" in err
    code, _, err = run_cli(["report", path, "--dayfirst", "--out", tmp_path / "o"], capsys)
    assert code == 0 and "Dates read as" not in err  # said by the user: nothing to say


def test_python_only_advice_is_translated_once(tmp_path, no_kernel, capsys):
    path = write(tmp_path, LOG + LOG.splitlines()[1] + "\n" + ",2024-02-10,3.0\n")
    code, _, err = run_cli(["report", path, "--out", tmp_path / "o"], capsys)
    assert code == 1 and "row 5 (line 7)" in err
    assert ("On the command line, the command does not drop rows: remove them in the file, or use Python: "
            "validate_transactions(..., drop_missing_ids=True).") in err
    assert err.count("line N + 2") == 0
    code, _, err = run_cli(["report", write(tmp_path, LOG + LOG.splitlines()[1] + "\n", "dup.csv"),
                            "--out", tmp_path / "o"], capsys)
    assert code == 0 and "(line 6)" in err and "use Python: validate_transactions(..., duplicates='drop')" in err


def test_a_header_only_file_is_named(tmp_path, no_kernel, capsys):
    path = write(tmp_path, "Client;Date achat;Montant TTC\n", "header_only.csv")
    code, _, err = run_cli(["report", path], capsys)
    assert code == 1 and not no_kernel
    assert f"file {str(path)!r} has a header line (Client, Date achat, Montant TTC) but no data rows" in err


def test_one_bad_amount_is_named_not_the_whole_decimal_comma_column(tmp_path, no_kernel, capsys):
    rows = [f"c{i % 7};2024-01-{1 + i % 28:02d};{10 + i},{i % 100:02d}" for i in range(40)]
    rows[7] = "c1;2024-01-08;gratuit"
    rows[9] = "c2;2024-01-10;12,50 €"
    path = write(tmp_path, "customer_id;date;amount\n" + "\n".join(rows) + "\n")
    for extra in ([], ["--decimal", ","]):
        code, _, err = run_cli(["report", path, *extra], capsys)
        assert code == 1 and not no_kernel, err
        assert "column 'amount': 2 row(s) are not numbers; the first is row 7 (line 9) (value 'gratuit')" in err
        assert "On the command line, the file's numbers are read as written (a decimal comma" in err


@pytest.mark.parametrize("text, argv, expected", [
    ("", [], "is empty"),
    ("   \n\n", [], "is empty"),
    (LOG, ["--customer-col", "client"], "column 'client' is not in the file"),
    (LOG, ["--date-col", "Date"], "Pass --date-col NAME"),
    (LOG, ["--amount-col", "total"], "column 'total' is not in the file"),
    (LOG.replace("a,2024-02-10", ",2024-02-10"), [], "have no customer id"),
    (LOG.replace("40.0", "-40.0"), [], "negative"),
])
def test_bad_logs_exit_1_with_a_message_and_no_traceback(tmp_path, no_kernel, capsys, text, argv, expected):
    path = write(tmp_path, text)
    code, _, err = run_cli(["report", path, *argv], capsys)
    assert code == 1 and expected in err and "Traceback" not in err and not no_kernel
    assert err.startswith("error: ") or "\nerror: " in err


def test_a_missing_file_exits_1_from_the_installed_entry_point(tmp_path):
    out = subprocess.run([sys.executable, "-m", "relmkt_lib", "report", str(tmp_path / "nope.csv")],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "does not exist" in out.stderr and "Traceback" not in out.stderr


def test_debug_shows_the_traceback(tmp_path, no_kernel, capsys):
    path = write(tmp_path, "")
    code, _, err = run_cli(["--debug", "report", path], capsys)
    assert code == 1 and "Traceback (most recent call last)" in err and "is empty" in err


CUSTOMERS = "customer_id,tenure,charges,churned\n" + "".join(
    f"{i:03d},{i % 24},{' ' if i % 17 == 0 else f'{20 + i % 50}.5'},{'Yes' if i % 3 == 0 else 'No'}\n"
    for i in range(200))


def test_churn_checks_the_target_and_keeps_ids_as_text(tmp_path, no_kernel, capsys):
    path = write(tmp_path, CUSTOMERS)
    code, _, err = run_cli(["churn", path, "--target", "churned", "--id-col", "customer_id",
                            "--out", tmp_path / "o"], capsys)
    assert code == 0, err
    assert "event 'Yes' (detected" in err
    params = no_kernel[0][1]
    assert params["target"] == "churned" and params["id_col"] == "customer_id" and params["positive"] is None


@pytest.mark.parametrize("edit, argv, expected", [
    (lambda t: t.replace(",Yes\n", ",Maybe\n", 5), ["--target", "churned"], "has 3 values"),
    (lambda t: t, ["--target", "Churned"], "column 'Churned' is not in the file (did you mean 'churned'?)"),
    (lambda t: t, ["--target", "churned", "--id-col", "id"], "Pass --id-col NAME"),
    (lambda t: t, ["--target", "churned", "--positive", "Oui"], "positive='Oui' is not a value"),
])
def test_bad_customer_tables_exit_1(tmp_path, no_kernel, capsys, edit, argv, expected):
    path = write(tmp_path, edit(CUSTOMERS))
    code, _, err = run_cli(["churn", path, *argv], capsys)
    assert code == 1 and expected in err and "Traceback" not in err and not no_kernel


def test_churn_says_which_id_column_it_uses(tmp_path, no_kernel, capsys):
    french = CUSTOMERS.replace("customer_id,", "No client,").replace("\n", "\n", 1)
    french = "No client," + french.split(",", 1)[1]
    lines = french.splitlines()
    french = "\n".join([lines[0]] + [f"{i + 1},{line.split(',', 1)[1]}" for i, line in enumerate(lines[1:])]) + "\n"
    code, _, err = run_cli(["churn", write(tmp_path, french), "--target", "churned", "--out", tmp_path / "o"], capsys)
    assert code == 0 and "Id column: 'No client' (detected; pass --id-col to choose)" in err
    numbered = french.replace("No client,", "Ref,", 1)
    code, _, err = run_cli(["churn", write(tmp_path, numbered), "--target", "churned", "--out", tmp_path / "o"], capsys)
    assert code == 0 and "column 'Ref' holds a different whole number on every row" in err
    assert "On the command line: --id-col for customer_col" in err and "Id column: 'Ref'" in err
    none = "\n".join(line.split(",", 1)[1] for line in lines) + "\n"
    code, _, err = run_cli(["churn", write(tmp_path, none), "--target", "churned", "--out", tmp_path / "o"], capsys)
    assert code == 0 and "No id column found: rows are numbered; pass --id-col" in err
    code, _, err = run_cli(["churn", write(tmp_path, numbered), "--target", "churned", "--id-col", "Ref",
                            "--out", tmp_path / "o"], capsys)
    assert code == 0 and "Id column: 'Ref' (given)" in err and "note:" not in err


# --- read_table -------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_read_table_sniffs_the_separator(tmp_path, sep):
    path = write(tmp_path, LOG.replace(",", sep))
    df = read_table(path)
    assert df.shape == (4, 3) and df.attrs["read_table"]["sep"] == sep
    assert df["amount"].tolist() == [25.0, 40.0, 12.5, 60.0]


def test_read_table_decimal_comma_converts_only_number_columns(tmp_path):
    text = ("id;day;amount;note;code\n"
            "007;05/01/2024;12,50;a, b;1,2\n"
            "8;06/01/2024;1 234,5;x;A\n"
            "9;07/01/2024; ;y;3\n"
            "10;08/01/2024;3;z;4\n")
    df = read_table(write(tmp_path, text), dtype={"id": str})
    assert df["amount"].tolist()[:2] == [12.5, 1234.5] and pd.isna(df["amount"][2]) and df["amount"][3] == 3.0
    assert df["note"].tolist()[0] == "a, b" and df["code"].tolist()[1] == "A"  # text stays text
    assert df["id"].tolist()[0] == "007" and df["day"].tolist()[0] == "05/01/2024"  # dates are not touched
    assert df.attrs["read_table"] == {"sep": ";", "decimal": ",", "encoding": "utf-8", "comma_columns": ["amount"]}
    comma_sep = read_table(write(tmp_path, 'id,amount\n1,"12,50"\n', "c.csv"))
    assert comma_sep["amount"].tolist() == ["12,50"]  # a ',' file: no decimal comma guessed
    assert read_table(write(tmp_path, 'id,amount\n1,"12,50"\n', "c.csv"), decimal=",")["amount"].tolist() == [12.5]


def test_read_table_decimal_comma_column_with_a_few_bad_values(tmp_path):
    rows = "".join(f"{i};{i},5\n" for i in range(30))
    text = "id;amount\n" + rows + "30;gratuit\n31;12,50 €\n32;\n"
    df = read_table(write(tmp_path, text))
    assert df.attrs["read_table"]["comma_columns"] == ["amount"]
    assert df["amount"].tolist()[:2] == [0.5, 1.5] and df["amount"].tolist()[30:32] == ["gratuit", "12,50 €"]
    assert pd.isna(df["amount"][32])
    half = "id;amount\n" + "".join(f"{i};{i},5\n" for i in range(6)) + "".join(f"{i};n{i}\n" for i in range(4))
    assert read_table(write(tmp_path, half, "half.csv"))["amount"].tolist()[0] == "0,5"  # 60 %: not detected
    assert read_table(write(tmp_path, half, "half.csv"), decimal=",")["amount"].tolist()[:7] == [
        0.5, 1.5, 2.5, 3.5, 4.5, 5.5, "n0"]  # decimal="," given: the comma numbers are converted


def test_read_table_encodings(tmp_path):
    text = "client;ville;montant\nZoë;Montréal;12,5\n"
    assert read_table(write(tmp_path, text, encoding="utf-8-sig"))["client"].tolist() == ["Zoë"]
    utf16 = read_table(write(tmp_path, text.replace(";", "\t"), "u16.csv", encoding="utf-16"))
    assert utf16.attrs["read_table"]["encoding"] == "utf-16" and utf16["montant"].tolist() == [12.5]
    cp = write(tmp_path, text, "cp.csv", encoding="cp1252")
    with pytest.raises(ValueError, match=r"is not valid utf-8 text.*encoding=\"cp1252\""):
        read_table(cp)
    assert read_table(cp, encoding="cp1252")["ville"].tolist() == ["Montréal"]
    with pytest.raises(ValueError, match="encoding 'klingon' is unknown"):
        read_table(cp, encoding="klingon")


def test_read_table_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="is a folder"):
        read_table(tmp_path)
    with pytest.raises(ValueError, match="is empty"):
        read_table(write(tmp_path, ""))
    with pytest.raises(ValueError, match=r"cannot be read as a table with the separator ','.*pass sep="):
        read_table(write(tmp_path, "a,b\n1,2\n3,4,5,6\n", "ragged.csv"))
    assert read_table(write(tmp_path, "a,b\n", "header.csv")).shape == (0, 2)


def test_read_table_ignores_separators_inside_quotes(tmp_path):
    df = read_table(write(tmp_path, 'id,name\n1,"Roy; Anne"\n2,"Tremblay; Luc"\n'))
    assert df.attrs["read_table"]["sep"] == "," and df["name"].tolist() == ["Roy; Anne", "Tremblay; Luc"]


# --- the runner, on small templates of this file's own ----------------------------------------

def template(tmp_path: Path, *cells, params: str = "n = 3\nlabel = 'x'") -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# A tiny report"),
                             new_code_cell(params, metadata={"tags": ["parameters"]}), *cells])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def step(source: str, name: str):
    return new_code_cell(source, metadata={"relmkt": {"step": name}})


PROGRESS_CELL = ("import sys\nfor i in range(1, n + 1):\n"
                 "    print(f'\\rdraws: {i}/{n}', end='', file=sys.stderr, flush=True)\n"
                 "print('a real warning', file=sys.stderr)\nprint(label * n)")


class Terminal:
    def __init__(self, tty: bool):
        self.text, self.tty = "", tty

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return self.tty


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiny")
    path = template(tmp, step(PROGRESS_CELL, "Drawing"), step("import matplotlib.pyplot as plt\n"
                                                              "plt.plot([1, 2])\nplt.show()", "Plotting"))
    console = Terminal(tty=True)
    result = _run_template.run_template(path, {"n": 4, "label": "ab"}, progress=console, cwd=tmp)
    return result, console.text, tmp


def test_runner_injects_the_parameters_after_their_cell(tiny_run):
    nb = tiny_run[0].notebook
    assert "parameters" in nb.cells[1].metadata.tags and "injected-parameters" in nb.cells[2].metadata.tags
    assert "n = 4\nlabel = 'ab'" in nb.cells[2].source
    assert nb.cells[3].outputs[0]["text"] == "abababab\n"  # the template saw the injected values
    assert nb.metadata.kernelspec.name == "python3"


def test_runner_prints_steps_and_a_bar_and_strips_progress_lines(tiny_run):
    result, console, _ = tiny_run
    assert "[1/2] Drawing\n" in console and "[2/2] Plotting\n" in console
    assert re.search(r"\r\s+draws \[#+-*\] 2/4", console) and "draws [" + "#" * 30 + "] 4/4\n" in console
    streams = [o for c in result.notebook.cells for o in c.get("outputs", []) if o["output_type"] == "stream"]
    assert [o["text"] for o in streams if o["name"] == "stderr"] == ["a real warning\n"]
    assert not [o for o in streams if "draws" in o["text"]]
    assert list(result.timings) == ["Starting Python", "Drawing", "Plotting"]
    assert all(t >= 0 for t in result.timings.values()) and result.seconds >= sum(result.timings.values()) * 0.5


def test_without_a_terminal_progress_is_one_line(tmp_path):
    console = Terminal(tty=False)
    _run_template.run_template(template(tmp_path, step(PROGRESS_CELL, "Drawing")), {"n": 5}, progress=console)
    assert console.text == "[1/1] Drawing\n      draws: 5/5\n"


def test_saved_html_is_self_contained_and_hides_code(tiny_run):
    result, _, tmp = tiny_run
    ipynb, html = _run_template.save_outputs(result.notebook, tmp / "out")
    page = html.read_text(encoding="utf-8")
    assert "<title>A tiny report</title>" in page and "data:image/png;base64," in page
    assert re.findall(r"<script[^>]+src=\"https?:", page) == [] and "require.js" not in page
    def text(html: str) -> str:
        return re.sub(r"<[^>]+>", "", html)

    assert "plt.plot" not in text(page) and "abababab" in page
    _, shown = _run_template.save_outputs(result.notebook, tmp / "shown", show_code=True)
    assert "plt.plot" in text(shown.read_text(encoding="utf-8"))
    assert nbformat.read(ipynb, as_version=4).cells[2].metadata.tags == ["injected-parameters"]


def test_runner_refuses_unknown_parameters_and_values_that_are_not_literals(tmp_path):
    path = template(tmp_path)
    with pytest.raises(ValueError, match=r"no parameter \['m'\]; its parameters are \['label', 'n'\]"):
        _run_template.run_template(path, {"m": 1}, progress=None)
    with pytest.raises(TypeError, match="parameter 'n' must be a Python literal"):
        _run_template.run_template(path, {"n": object()}, progress=None)


def test_an_error_in_a_cell_is_a_template_error_with_its_step(tmp_path):
    path = template(tmp_path, step("x = 1", "Reading"), step("raise ValueError(\"column 'amount': bad\")",
                                                             "Checking"))
    with pytest.raises(_run_template.TemplateError) as info:
        _run_template.run_template(path, {}, progress=None)
    exc = info.value
    assert (exc.ename, exc.evalue, exc.step) == ("ValueError", "column 'amount': bad", "Checking")
    assert "\x1b[" not in exc.traceback and "raise ValueError" in exc.traceback


def _cli_template(tmp_path: Path, body: str) -> Path:
    params = "\n".join(f"{p} = None" for p in REPORT_PARAMS)
    return template(tmp_path, step(body, "Checking the log"), params=params)


def test_cli_end_to_end_on_a_fake_template(tmp_path, monkeypatch, capsys):
    body = ("import pandas as pd\nfrom relmkt_lib.data import read_table\n"
            "df = read_table(transactions_path, sep=sep, decimal=decimal)\n"
            "df.groupby(customer_col).size().rename('purchases').to_csv(f'{out_dir}/customers.csv')\n"
            "print(len(df), 'rows')")
    fake = _cli_template(tmp_path, body)
    monkeypatch.setattr(_run_template, "template_path", lambda name: fake)
    out = tmp_path / "out"
    code, stdout, err = run_cli(["report", write(tmp_path, LOG.replace(",", ";")), "--out", out], capsys)
    assert code == 0, err
    assert "[1/1] Checking the log" in err and "Done in" in err
    assert {p.name for p in out.iterdir()} == {"report.ipynb", "report.html", "customers.csv"}
    assert str(out / "report.html") in stdout and "4 rows" in (out / "report.html").read_text(encoding="utf-8")
    assert pd.read_csv(out / "customers.csv")["purchases"].tolist() == [2, 1, 1]


def test_cli_reports_an_error_in_the_notebook_in_one_message(tmp_path, monkeypatch, capsys):
    fake = _cli_template(tmp_path, "raise ValueError(\"column 'date': 2 row(s) cannot be read; pass dayfirst=True\")")
    monkeypatch.setattr(_run_template, "template_path", lambda name: fake)
    log = write(tmp_path, LOG)
    code, _, err = run_cli(["report", log, "--out", tmp_path / "o"], capsys)
    assert code == 1 and "Traceback" not in err
    assert "error in the step 'Checking the log': column 'date': 2 row(s) cannot be read" in err
    assert "--dayfirst for dayfirst" in err
    code, _, err = run_cli(["--debug", "report", log, "--out", tmp_path / "o"], capsys)
    assert code == 1 and "raise ValueError" in err and (tmp_path / "o" / "report-failed.ipynb").exists()


def test_cli_says_a_bug_is_a_bug(tmp_path, monkeypatch, capsys):
    fake = _cli_template(tmp_path, "1 / 0")
    monkeypatch.setattr(_run_template, "template_path", lambda name: fake)
    code, _, err = run_cli(["report", write(tmp_path, LOG), "--out", tmp_path / "o"], capsys)
    assert code == 1 and "ZeroDivisionError" in err and "problem in relmkt itself" in err and "Traceback" not in err
