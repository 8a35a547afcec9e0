"""nianbao.convert: the canonical model of a file or of bytes, as `nianbao convert --to json`
gives it; errors that name the file; the plugins inside the installed package."""

import json
import os
import subprocess

import pytest

import nianbao
from conftest import FIXTURES, REPO, truth


def test_the_plugins_are_the_ones_inside_the_installed_package():
    here = os.path.join(os.path.dirname(os.path.abspath(nianbao.__file__)), "plugins")
    found = nianbao.plugins()
    assert [p for p in found if "error" in p] == []
    # Every plugin of the workspace, each in the folder of its name.
    built = sorted(d.name for d in (REPO / "plugins").iterdir() if (d / "Cargo.toml").exists())
    assert sorted(p["name"] for p in found) == built
    for p in found:
        assert os.path.dirname(p["path"]) == here, p
    assert "site-packages" in here, "the test runs the installed package, not the source tree"
    for f in ("pdf", "docx", "xlsx", "html"):
        assert f in nianbao.formats()


def test_every_fixture_converts_to_its_truth(docs):
    for doc in docs:
        got = nianbao.convert(doc)
        want = truth(doc)
        for part in ("model", "meta", "tables", "sections"):
            assert got[part] == want[part], f"{doc.name}: {part}"
        assert got["recognition"]["grade"] == "exact", doc.name


def test_bytes_convert_like_the_file_by_content_or_by_name_or_format(docs):
    for doc in docs[:8]:
        data = doc.read_bytes()
        by_path = nianbao.convert(str(doc))
        assert nianbao.convert(data, name=doc.name) == by_path, doc.name
        assert nianbao.convert(bytearray(data), format=doc.suffix[1:]) == by_path, doc.name
    # PDF, DOCX and XLSX are told by their content alone.
    pdf = FIXTURES / "s1-r002-pdf-lo.pdf"
    assert nianbao.convert(memoryview(pdf.read_bytes()))["tables"] == truth(pdf)["tables"]


def test_the_model_is_the_clis_json():
    cli = REPO / "target" / "release" / "nianbao"
    assert cli.exists(), f"{cli} is missing: build it first (cargo build --release --workspace)"
    doc = FIXTURES / "s1-r003-xlsx.xlsx"
    out = subprocess.run([str(cli), "convert", str(doc), "--to", "json"], check=True, stdout=subprocess.PIPE)
    assert nianbao.convert(doc) == json.loads(out.stdout)


def test_a_missing_file_is_an_input_error_naming_it(tmp_path):
    missing = tmp_path / "nosuch.pdf"
    with pytest.raises(nianbao.InputError) as e:
        nianbao.convert(missing)
    assert str(e.value) == f"{missing}: cannot read: no such file"
    assert isinstance(e.value, nianbao.Error)


def test_a_broken_file_is_an_input_error_naming_it(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(nianbao.InputError, match=r"^.*broken\.docx: ") as e:
        nianbao.convert(broken)
    assert "DOCX" in str(e.value)
    with pytest.raises(nianbao.InputError, match=r"^upload\.pdf: "):
        nianbao.convert(b"%PDF-1.4\n garbage", name="upload.pdf")
    with pytest.raises(nianbao.InputError, match=r"^<bytes>: "):
        nianbao.convert(b"%PDF-1.4\n garbage", format="pdf")


def test_an_unknown_format_or_argument_is_a_usage_error():
    with pytest.raises(nianbao.UsageError, match="cannot read `nosuch`: no plugin reads it"):
        nianbao.convert(b"x", format="nosuch")
    with pytest.raises(nianbao.UsageError, match="a path or bytes, not int"):
        nianbao.convert(42)
    assert issubclass(nianbao.UsageError, nianbao.Error)


def test_provenance_says_where_cells_were_printed():
    doc = FIXTURES / "s1-r001-xlsx.xlsx"
    plain = nianbao.convert(doc)
    with_prov = nianbao.convert(doc, provenance=True)
    assert plain["tables"]["applications"]["rows"] == with_prov["tables"]["applications"]["rows"]
    prov = with_prov["tables"]["applications"]["provenance"]
    assert prov["new_received.natural_person"] == {"text": "128", "sheet": "年报表格", "cell": "D19"}
    assert "provenance" not in plain["tables"]["applications"]
