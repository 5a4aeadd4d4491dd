"""Write the synthetic interchange samples in this directory from the shipped contacts.

    FRONTDOOR=build/frontdoor python3 examples/interchange/make_samples.py

Everything is synthetic: the rows are the first 240 contacts of examples/contacts-2026.jsonl (one is
deliberately bad: its timestamp is not ISO 8601, and it passes through every format as it is); the
Annex A Gender and Ethnicity cells are drawn from a seeded random generator. The same command always
writes the same bytes. The samples are made so that each round-trips exactly:

    council-export.csv   --from council.mapping.yaml, decide, --to council.mapping.yaml --decisions
    ssd_contacts.csv     --from ssd, decide, --to ssd --decisions
    annex-a-list1.csv    --from annex-a, --to annex-a (Gender and Ethnicity are not read: they come back empty)
"""

import csv
import io
import os
import pathlib
import random
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLI = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
DOC = ROOT / "rules" / "exampleshire.yaml"
ROWS = 240


def run(*args, ok=(0, 1)):
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)
    if r.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        contacts = tmp / "contacts.jsonl"
        contacts.write_text("".join((ROOT / "examples" / "contacts-2026.jsonl").read_text().splitlines(keepends=True)[:ROWS]))

        # A council's own export, with frontdoor's decisions written back into it.
        decisions = tmp / "decisions.jsonl"
        decisions.write_text(run("decide", DOC, contacts))
        run("convert", "--to", HERE / "council.mapping.yaml", contacts, "--decisions", decisions, "-o", HERE / "council-export.csv")

        # ssd_contacts: what the dataset keeps of a contact, with the outcome flags of deciding that.
        ssd = tmp / "ssd.csv"
        run("convert", "--to", "ssd", contacts, "-o", ssd)
        ssd_contacts = tmp / "ssd.jsonl"
        run("convert", "--from", "ssd", ssd, "-o", ssd_contacts)
        ssd_decisions = tmp / "ssd-decisions.jsonl"
        ssd_decisions.write_text(run("decide", DOC, ssd_contacts))
        run("convert", "--to", "ssd", ssd_contacts, "--decisions", ssd_decisions, "-o", HERE / "ssd_contacts.csv")

        # Annex A list 1, with synthetic Gender and Ethnicity.
        rows = list(csv.reader(io.StringIO(run("convert", "--to", "annex-a", contacts))))
        header = rows[0]
        rng = random.Random(2026)
        ethnicities = ["a) WBRI"] * 14 + ["d) WOTH", "f) MWBC", "k) APKN", "n) BCRB", "o) BAFR", "r) OOTH", "u) UNKNOWN"]
        for row in rows[1:]:
            unborn = row[header.index("Date of Birth")] and not row[header.index("Age of Child (Years)")]
            row[header.index("Gender")] = "c) Not stated/recorded" if unborn else rng.choice(["a) Male", "b) Female"])
            row[header.index("Ethnicity")] = rng.choice(ethnicities)
        with open(HERE / "annex-a-list1.csv", "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)

    for name in ("annex-a", "ssd"):
        (HERE / f"{name}.mapping.yaml").write_text(run("convert", "--show-mapping", name))


if __name__ == "__main__":
    main()
