#!/usr/bin/env python3
"""Peer benchmark: the signed consent PDF built with ReportLab.

Builds the same document as the Rust generator (the `stipple-pdf` crate, fed by
`server/src/intake/consent_doc.rs` and `app/src/domain/answers.rs`) from the
v1 contract fixture and the default consent template, and times how long
ReportLab takes per document.

Inputs are read and turned into the generator's input once, outside the timed
loop, as the Rust renderer also receives already-parsed input. Each timed
iteration does what the Rust `render` does: clean the text for the embedded
font, lay the document out (wrapping, pagination, "Page X of Y" footers),
decode the signature PNG and serialise the PDF into memory.

Prints one JSON line:
  {"peer": "reportlab", "version": ..., "iterations": N, "median_ms": ...,
   "p90_ms": ..., "pages": ..., "bytes": ...}

Usage:
  python benches/peers/reportlab_consent.py [--iterations 200] [--out sample.pdf]
      [--font-dir DIR] [--fixture FILE] [--template FILE]
"""

from __future__ import annotations

import argparse
import base64
import functools
import io
import json
import math
import re
import statistics
import sys
import time
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FIXTURE = REPO_ROOT / "tests/fixtures/intake-v1.json"
DEFAULT_TEMPLATE = REPO_ROOT / "server/templates/consent-default-v1.toml"
FONT_DIR_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
]
WARM_UP_RUNS = 10

# What the server knows about a submission besides its JSON (the `Evidence`
# of the intake service). The fixture does not carry it, so fixed stand-ins
# are used; the canonical hash is a placeholder of the real length.
RECEIVED_AT = datetime(2026, 11, 20, 14, 3, 12, tzinfo=timezone.utc)
CLIENT_IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
CANONICAL_SHA256_PLACEHOLDER = "0" * 64

# --- Input: the same fields as the Rust `ConsentPdfInput` --------------------


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]]


@dataclass
class Clause:
    title: str
    text: str
    accepted: bool


@dataclass
class ConsentInput:
    clinic_name: str
    title: str
    client_name: str
    client_date_of_birth: str
    client_email: str
    client_phone: str
    sections: list[Section]
    clauses: list[Clause]
    photo_marketing: bool
    signature_png: bytes
    typed_name: str
    signed_local: str
    signed_utc: str
    created_at: datetime
    submission_id: str
    template_version: str
    canonical_sha256: str
    client_ip: str
    user_agent: str
    events: list[tuple[str, str]] = field(default_factory=list)


# Labels of the wire vocabularies (app/src/domain/vocab.rs).
VOCAB = {
    "preferred_contact": {"email": "E-mail", "phone": "Phone call", "sms": "Text message"},
    "cause": {
        "genetic": "Genetic / pattern baldness",
        "alopecia_areata": "Alopecia areata",
        "autoimmune": "Other autoimmune condition",
        "thyroid": "Thyroid disease",
        "hormonal": "Hormonal change",
        "anaemia": "Anaemia",
        "cancer_treatment": "Cancer treatment",
        "stress": "Stress",
        "other": "Something else",
        "unknown": "I don't know",
    },
    "area": {
        "hairline": "Hairline",
        "temples": "Temples",
        "crown": "Crown",
        "mid_scalp": "Mid-scalp",
        "diffuse": "Diffuse thinning",
        "full_scalp": "Full scalp",
    },
    "scar": {
        "surgical": "Surgical scar",
        "fut_strip": "FUT strip scar",
        "fue_donor": "FUE donor scars",
        "injury": "Injury",
        "other": "Other",
    },
    "technique": {"fue": "FUE", "fut": "FUT (strip)", "other": "Other", "unknown": "Not sure"},
    "outcome": {
        "satisfied": "Satisfied",
        "thin": "Thin result",
        "failed": "Failed",
        "too_early": "Too early to tell",
    },
    "allergy": {
        "pigment": "Pigments or tattoo inks",
        "latex": "Latex",
        "anaesthetic": "Local anaesthetics (e.g. lidocaine)",
        "metal": "Metals",
        "other": "Something else",
    },
    "skin": {
        "psoriasis": "Psoriasis",
        "eczema": "Eczema",
        "dermatitis": "Dermatitis",
        "folliculitis": "Folliculitis",
        "infection": "Active infection",
        "open_wound": "Open wound",
        "other": "Something else",
    },
    "sun": {
        "low": "Low (mostly indoors)",
        "moderate": "Moderate",
        "high": "High (outdoor work or sport)",
    },
    "scalp": {"normal": "Normal", "oily": "Oily", "dry": "Dry"},
    "hair_style": {"shaved": "Shaved", "buzzed": "Buzzed", "short": "Short", "longer": "Longer"},
    "hairline": {
        "sharp": "Sharp, defined",
        "soft": "Soft",
        "natural": "Natural / broken",
        "receded": "Receded (mature)",
    },
    "density": {"light": "Light", "medium": "Medium", "full": "Full"},
}

# Shown in the document header already, so left out of "About you".
IN_HEADER = {"Full name", "Date of birth", "E-mail", "Mobile phone"}


def yn(value: bool) -> str:
    return "Yes" if value else "No"


def opt(value: str | None) -> str:
    value = (value or "").strip()
    return value or "—"


def labels(kind: str, items: list[str]) -> str:
    return ", ".join(VOCAB[kind][i] for i in items) if items else "None"


def rust_float(value: float) -> str:
    """A float as Rust's `Display` prints it: 2.0 is "2", 0.5 is "0.5"."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def answer_sections(s: dict) -> list[Section]:
    """Every answer as (question, answer) rows, as `answers::answer_sections`."""
    c, h, m = s["client"], s["hair_loss"], s["medical"]
    hair = [("Causes", labels("cause", h["causes"]))]
    if "other" in h["causes"]:
        hair.append(("Other cause", opt(h.get("cause_other"))))
    hair.append(("Years of hair loss", str(h["years"])))
    hair.append(("Still progressing", yn(h["progressing"])))
    hair.append(("Areas", labels("area", h["areas"])))
    if h.get("norwood_stage") is not None:
        hair.append(("Norwood stage", str(h["norwood_stage"])))
    if h.get("ludwig_stage") is not None:
        stages = ["I", "II", "III"]
        index = h["ludwig_stage"] - 1
        hair.append(("Ludwig stage", stages[index] if 0 <= index < len(stages) else "?"))

    scars = [
        (
            f"Scar {i}",
            f"{VOCAB['scar'][sc['kind']]}; {sc['location'].strip()}; "
            f"{rust_float(sc['size_cm'])} cm; {sc['age_months']} months old; "
            f"camouflage wanted: {yn(sc['camouflage_wanted'])}",
        )
        for i, sc in enumerate(s["scars"], start=1)
    ] or [("Scars", "None")]

    transplants = [
        (
            f"Transplant {i}",
            f"{VOCAB['technique'][t['technique']]}, {t['year']}, "
            f"{t['grafts'] if t.get('grafts') is not None else 'unknown'} grafts, "
            f"outcome: {VOCAB['outcome'][t['outcome']]}",
        )
        for i, t in enumerate(s["transplants"], start=1)
    ] or [("Transplants", "None")]

    medical = [("Allergies", labels("allergy", m["allergies"]))]
    if m["allergies"]:
        medical.append(("Allergy details", opt(m.get("allergy_details"))))
    medical.append(("Scalp conditions", labels("skin", m["skin_conditions"])))
    if "other" in m["skin_conditions"]:
        medical.append(("Other condition", opt(m.get("skin_condition_other"))))
    for question, key in [
        ("Keloid or raised scarring", "keloid_tendency"),
        ("Blood thinners or bleeding disorder", "blood_thinners"),
        ("Diabetes", "diabetes"),
        ("Immune suppression", "immune_suppressed"),
        ("Heart condition or pacemaker", "heart_condition"),
        ("Epilepsy", "epilepsy"),
        ("Blood-borne infection", "bloodborne_infection"),
        ("Pregnant or breastfeeding", "pregnant_or_breastfeeding"),
        ("Isotretinoin in the last 12 months", "isotretinoin_last_12_months"),
        ("Minoxidil or other scalp treatment", "minoxidil"),
        ("Chemotherapy or radiotherapy", "chemo_or_radiotherapy"),
        ("Recent sunburn on the scalp", "recent_sunburn"),
    ]:
        medical.append((question, yn(m[key])))
    medical.append(("Medicines", opt(m.get("medications"))))

    co, li, g = s["comfort"], s["lifestyle"], s["goals"]
    preferred = s["appointment"].get("preferred_date")
    return [
        Section(
            "About you",
            [
                ("Full name", c["full_name"].strip()),
                ("Date of birth", c["date_of_birth"]),
                ("E-mail", opt(c.get("email"))),
                ("Mobile phone", opt(c.get("phone"))),
                ("Contact by", VOCAB["preferred_contact"][c["preferred_contact"]]),
                ("Preferred date", preferred or "—"),
            ],
        ),
        Section("Hair loss", hair),
        Section("Scars", scars),
        Section("Previous transplants", transplants),
        Section("Medical screening", medical),
        Section(
            "Comfort and pain",
            [
                ("Pain sensitivity (0–10)", str(co["pain_tolerance"])),
                ("Anxious about needles", yn(co["needle_anxiety"])),
                ("Tattoos before", yn(co["previous_tattoos"])),
                ("Numbing cream wanted", yn(co["numbing_cream"])),
            ],
        ),
        Section(
            "Lifestyle",
            [
                ("Sun exposure", VOCAB["sun"][li["sun_exposure"]]),
                ("Swims regularly", yn(li["swimming"])),
                ("Sauna or steam room", yn(li["sauna"])),
                ("Heavy exercise or sweating", yn(li["heavy_exercise"])),
                ("Scalp", VOCAB["scalp"][li["scalp_type"]]),
                ("Hair kept", VOCAB["hair_style"][li["hair_style"]]),
            ],
        ),
        Section(
            "Goals",
            [
                ("Hairline", VOCAB["hairline"][g["hairline_style"]]),
                ("Density", VOCAB["density"][g["density"]]),
                ("Natural hair colour", opt(g.get("natural_hair_colour"))),
                ("Notes", opt(g.get("notes"))),
            ],
        ),
    ]


def utc(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def pdf_input(s: dict, template: dict) -> ConsentInput:
    """The generator's input, as `consent_doc::pdf_input` gathers it (the
    clinic's time zone is the default, UTC)."""
    client = s["client"]
    name = client["full_name"].strip()
    born = date.fromisoformat(client["date_of_birth"])
    events = []
    if s.get("opened_at"):
        opened = datetime.fromisoformat(s["opened_at"].replace("Z", "+00:00"))
        events.append(("Intake opened (client's clock)", utc(opened)))
    events.append(("Submitted and signed (received by the clinic)", utc(RECEIVED_AT)))
    accepted = set(s["consent"]["accepted"])
    sections = [
        Section(
            sec.title,
            [r for r in sec.rows if not (sec.title == "About you" and r[0] in IN_HEADER)],
        )
        for sec in answer_sections(s)
    ]
    return ConsentInput(
        clinic_name=template["clinic_name"],
        title=f"Consent for scalp micropigmentation – {name}",
        client_name=name,
        client_date_of_birth=f"{born.day} {born:%b %Y}",
        client_email=client.get("email") or "",
        client_phone=client.get("phone") or "",
        sections=sections,
        clauses=[
            Clause(c["title"], c["text"], c["id"] in accepted) for c in template["clauses"]
        ],
        photo_marketing=s["consent"]["photo_marketing"],
        signature_png=base64.b64decode(s["signature"]["png_base64"]),
        typed_name=s["signature"]["typed_name"],
        signed_local=f"{RECEIVED_AT.day} {RECEIVED_AT:%b %Y %H:%M:%S} UTC",
        signed_utc=utc(RECEIVED_AT),
        created_at=RECEIVED_AT,
        submission_id=s["id"],
        template_version=template["version"],
        canonical_sha256=CANONICAL_SHA256_PLACEHOLDER,
        client_ip=CLIENT_IP,
        user_agent=USER_AGENT,
        events=events,
    )


# --- Fonts ------------------------------------------------------------------

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@dataclass
class Fonts:
    # Code points both faces can draw: cleaned text may be set in either.
    covered: frozenset[int]
    placeholder: str


def find_font_dir(explicit: str | None) -> Path:
    wanted = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    candidates = [Path(explicit)] if explicit else FONT_DIR_CANDIDATES
    for directory in candidates:
        if all((directory / name).is_file() for name in wanted):
            return directory
        # Some distributions nest the files one level deeper.
        for sub in directory.glob("*/") if directory.is_dir() else []:
            if all((sub / name).is_file() for name in wanted):
                return sub
    where = explicit or ", ".join(str(c) for c in FONT_DIR_CANDIDATES)
    sys.exit(f"DejaVuSans.ttf and DejaVuSans-Bold.ttf not found in {where}; pass --font-dir")


def load_fonts(font_dir: Path) -> Fonts:
    """Registers both faces once per process, as the Rust side parses its
    fonts once; subsetting and embedding happen per document."""
    regular = TTFont(REGULAR, str(font_dir / "DejaVuSans.ttf"))
    bold = TTFont(BOLD, str(font_dir / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    # Glyph 0 is .notdef: a cmap entry pointing at it is no glyph at all.
    covered = frozenset(
        code
        for code, glyph in regular.face.charToGlyph.items()
        if glyph and bold.face.charToGlyph.get(code)
    )
    placeholder = next(c for c in "\ufffd\u25a1?" if ord(c) in covered)
    return Fonts(covered, placeholder)


# --- Text cleaning (pdf/src/text.rs) -----------------------------------------

LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
NO_BREAK_SPACES = "\xa0\u2007\u202f"
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]
# Plain printable ASCII needs no per-character work: DejaVu covers all of it.
PLAIN_ASCII = re.compile(r"[\x20-\x7e]*")


def _invisible(c: str) -> bool:
    code = ord(c)
    if unicodedata.category(c) == "Cc":
        return True
    return any(lo <= code <= hi for lo, hi in DEFAULT_IGNORABLE)


class Cleaner:
    """Drops control and invisible characters, turns spacing into plain
    spaces and replaces what the font cannot draw by a visible placeholder,
    remembering the fields where that happened."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        self.replaced_in: list[str] = []

    def line(self, field_name: str, raw: str) -> str:
        return self._clean(field_name, raw, multi=False)

    def text(self, field_name: str, raw: str) -> str:
        return self._clean(field_name, raw, multi=True)

    def _clean(self, field_name: str, raw: str, multi: bool) -> str:
        if PLAIN_ASCII.fullmatch(raw):
            return raw.strip()
        out = []
        replaced = False
        covered = self.fonts.covered
        raw = raw.replace("\r\n", "\n")
        for c in raw:
            if c in LINE_BREAKS:
                out.append("\n" if multi else " ")
            elif c in NO_BREAK_SPACES:
                out.append(c if ord(c) in covered else "\xa0")
            elif c.isspace():
                out.append(" ")
            elif _invisible(c):
                continue
            elif ord(c) in covered:
                out.append(c)
            else:
                out.append(self.fonts.placeholder)
                replaced = True
        if replaced and field_name not in self.replaced_in:
            self.replaced_in.append(field_name)
        return "".join(out).strip()


def plain(raw: str) -> str:
    """Text for the document information: no line breaks, nothing invisible."""
    out = []
    for c in raw:
        if c in LINE_BREAKS or (c.isspace() and c not in NO_BREAK_SPACES):
            out.append(" ")
        elif not _invisible(c):
            out.append(c)
    return "".join(out).strip()


def abridged(text: str, max_chars: int = 60) -> str:
    return text if len(text) <= max_chars else text[:max_chars].rstrip() + "…"


@dataclass
class Content:
    """The input with every string cleaned (pdf/src/content.rs)."""

    clinic_name: str
    client: list[tuple[str, str]]
    sections: list[Section]
    clauses: list[Clause]
    photo_marketing: bool
    typed_name: str
    signed_local: str
    signed_utc: str
    audit: list[tuple[str, str]]
    events: list[tuple[str, str]]
    replaced_fields: list[str]


def clean_content(inp: ConsentInput, fonts: Fonts) -> Content:
    cl = Cleaner(fonts)
    clinic_name = cl.line("Clinic name", inp.clinic_name)
    client = [
        ("Full name", cl.line("Full name", inp.client_name)),
        ("Date of birth", cl.line("Date of birth", inp.client_date_of_birth)),
        ("E-mail", cl.line("E-mail", inp.client_email)),
        ("Mobile phone", cl.line("Mobile phone", inp.client_phone)),
    ]
    sections = []
    for number, section in enumerate(inp.sections, start=1):
        title = cl.line(f"Section {number} title", section.title) or f"Section {number}"
        short = abridged(title)
        rows = []
        for row, (question, answer) in enumerate(section.rows, start=1):
            question = cl.text(f"{short} › question {row}", question)
            answer = cl.text(f"{short} › {abridged(question)}", answer)
            rows.append((question, answer))
        sections.append(Section(title, rows))
    clauses = []
    for number, clause in enumerate(inp.clauses, start=1):
        title = cl.line(f"Consent clause {number} title", clause.title) or f"Clause {number}"
        text = cl.text(f"Consent clause “{abridged(title)}”", clause.text)
        clauses.append(Clause(title, text, clause.accepted))
    typed_name = cl.line("Typed name", inp.typed_name)
    signed_local = cl.line("Signing time (clinic)", inp.signed_local)
    signed_utc = cl.line("Signing time (UTC)", inp.signed_utc)
    audit = [
        ("Submission ID", cl.line("Submission ID", inp.submission_id)),
        ("Template version", cl.line("Template version", inp.template_version)),
        ("SHA-256 of the canonical submission data", cl.line("SHA-256", inp.canonical_sha256)),
        ("Client IP address", cl.line("Client IP address", inp.client_ip)),
        ("User agent", cl.line("User agent", inp.user_agent)),
    ]
    events = [
        (cl.line(f"Audit event {i}", label), cl.line(f"Audit event {i}", when))
        for i, (label, when) in enumerate(inp.events, start=1)
    ]
    return Content(
        clinic_name, client, sections, clauses, inp.photo_marketing, typed_name,
        signed_local, signed_utc, audit, events, cl.replaced_in,
    )


# --- Page geometry and styles (pdf/src/compose.rs, pdf/src/emit.rs) ----------

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 18 * mm
RIGHT = PAGE_WIDTH - 18 * mm
CONTENT_WIDTH = RIGHT - LEFT
FRAME_TOP = 18 * mm  # from the top edge
FRAME_BOTTOM = 22 * mm  # from the bottom edge
FOOTER_RULE_Y = 15 * mm  # from the bottom edge
FOOTER_BASELINE_Y = 10.5 * mm

LABEL_SHARE = 0.4
COLUMN_GAP = 12.0
ROW_PADDING = 3.0
HAIRLINE = 0.4
HEADING_SPACE = 14.0
CLAUSE_SPACE = 9.0
BADGE_GAP = 10.0
SIGNATURE_WIDTH = 70 * mm
SIGNATURE_MAX_HEIGHT = 35 * mm
# Signature pads produce a few hundred pixels; anything far bigger is refused.
SIGNATURE_MAX_SIDE = 4096
SIGNATURE_MAX_PIXELS = 4096 * 1024

INK = Color(0.11, 0.11, 0.13)
MUTED = Color(0.36, 0.37, 0.41)
ACCENT = Color(0.05, 0.42, 0.25)
ALERT = Color(0.66, 0.15, 0.10)
RULE = Color(0.78, 0.79, 0.82)

DOCUMENT_SUBTITLE = "Consent for scalp micropigmentation"
FALLBACK_NOTE = (
    "Some characters could not be shown with the embedded font; "
    "the original text is kept in the record."
)
SIGNATURE_UNREADABLE = "[signature image unreadable]"
EMPTY_VALUE = "—"
ACCEPTED = "✓ Accepted"
NOT_ACCEPTED = "Not accepted"
FOOTER_SIZE = 8.0


def style(name: str, font: str, size: float, color: Color, **extra) -> ParagraphStyle:
    # Same line grid as the Rust layout: 1.35 em between baselines.
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.35, textColor=color, **extra
    )


TITLE = style("title", BOLD, 17.0, INK)
SUBTITLE = style("subtitle", REGULAR, 11.5, MUTED)
HEADING = style("heading", BOLD, 12.0, INK, spaceBefore=HEADING_SPACE)
CLAUSE_TITLE = style("clause-title", BOLD, 10.0, INK)
BADGE_ACCEPTED = style("badge-accepted", BOLD, 10.0, ACCENT, alignment=TA_RIGHT)
BADGE_REFUSED = style("badge-refused", BOLD, 10.0, ALERT, alignment=TA_RIGHT)
LABEL = style("label", REGULAR, 9.5, MUTED)
BODY = style("body", REGULAR, 9.5, INK)
PARAGRAPH = style("paragraph", REGULAR, 9.5, INK, spaceBefore=2.0, allowOrphans=0)
UNREADABLE = style("unreadable", REGULAR, 9.5, ALERT, spaceBefore=8.0)
NOTE = style("note", REGULAR, 8.5, MUTED, spaceBefore=2.0)
NOTE_SPACED = style("note-spaced", REGULAR, 8.5, MUTED, spaceBefore=HEADING_SPACE)

LABEL_COLUMN = CONTENT_WIDTH * LABEL_SHARE
ROW_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), ROW_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), ROW_PADDING),
        # The gap between the columns is split between the two cells, so the
        # question wraps at 40 % of the width minus half the gap.
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), COLUMN_GAP / 2),
        ("LEFTPADDING", (1, 0), (1, -1), COLUMN_GAP / 2),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("LINEBELOW", (0, 0), (-1, -1), HAIRLINE, RULE),
    ]
)
CLAUSE_HEAD_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


def markup(text: str) -> str:
    """Paragraph text is XML-like markup: escape it, keep hard line breaks."""
    return escape(text).replace("\n", "<br/>")


def para(text: str, st: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), st)


def heading(text: str) -> list:
    """A section heading with a rule under it."""
    return [
        para(text, HEADING),
        HRFlowable(width="100%", thickness=0.6, color=MUTED, spaceBefore=1.2, spaceAfter=3.2),
    ]


def rows_table(rows: list[tuple[str, str]]) -> Table:
    """Questions on the left, answers on the right; breaks only between rows."""
    data = [[para(q, LABEL), para(a or EMPTY_VALUE, BODY)] for q, a in rows]
    return Table(
        data,
        colWidths=[LABEL_COLUMN, CONTENT_WIDTH - LABEL_COLUMN],
        style=ROW_STYLE,
        hAlign="LEFT",
    )


def section(title: str, rows: list[tuple[str, str]], empty_note: str | None = None) -> list:
    """A heading kept with its first row (or note); the other rows may flow on
    to the next page."""
    if not rows:
        notes = [para(empty_note, NOTE)] if empty_note else []
        return [KeepTogether(heading(title) + notes)]
    flow = [KeepTogether(heading(title) + [rows_table(rows[:1])])]
    if len(rows) > 1:
        flow.append(rows_table(rows[1:]))
    return flow


def clause(title: str, text: str, accepted: bool) -> list:
    """The clause title with its acceptance on the right, then its exact text.
    Returned as a list for the caller to keep together: a KeepTogether inside
    another reports an unbounded height and would force a page break."""
    badge, badge_style = (ACCEPTED, BADGE_ACCEPTED) if accepted else (NOT_ACCEPTED, BADGE_REFUSED)
    badge_width = pdfmetrics.stringWidth(badge, BOLD, badge_style.fontSize)
    title_width = max(CONTENT_WIDTH - badge_width - BADGE_GAP, CONTENT_WIDTH / 2)
    head = Table(
        [[para(title, CLAUSE_TITLE), para(badge, badge_style)]],
        colWidths=[title_width, CONTENT_WIDTH - title_width],
        style=CLAUSE_HEAD_STYLE,
        hAlign="LEFT",
        spaceBefore=CLAUSE_SPACE,
    )
    return [head, para(text, PARAGRAPH)]


def png_size(png: bytes) -> tuple[int, int] | None:
    """Width and height from the IHDR chunk, or None if this is not a PNG."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return None
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def signature_block(png: bytes) -> list:
    """The signature about 70 mm wide over a signing line, or a note that it
    could not be read (a bad image never fails the document)."""
    size = png_size(png)
    if size:
        w_px, h_px = size
        sane = 0 < w_px <= SIGNATURE_MAX_SIDE and 0 < h_px <= SIGNATURE_MAX_SIDE
        if sane and w_px * h_px <= SIGNATURE_MAX_PIXELS:
            aspect = h_px / w_px
            width, height = SIGNATURE_WIDTH, SIGNATURE_WIDTH * aspect
            if height > SIGNATURE_MAX_HEIGHT:
                width, height = SIGNATURE_MAX_HEIGHT / aspect, SIGNATURE_MAX_HEIGHT
            image = Image(io.BytesIO(png), width=width, height=height, hAlign="LEFT")
            image.spaceBefore = 8.0
            line = HRFlowable(
                width=width, thickness=0.6, color=MUTED, hAlign="LEFT",
                spaceBefore=2.0, spaceAfter=4.0,
            )
            return [image, line]
    return [para(SIGNATURE_UNREADABLE, UNREADABLE)]


def story(content: Content, signature_png: bytes) -> list:
    """The document, in order (compose::compose)."""
    flow = []
    if content.clinic_name:
        flow.append(para(content.clinic_name, TITLE))
    flow += [
        para(DOCUMENT_SUBTITLE, SUBTITLE),
        HRFlowable(width="100%", thickness=1.0, color=INK, spaceBefore=4.5, spaceAfter=2.5),
    ]

    flow += section("Client details", content.client)
    for sec in content.sections:
        flow += section(sec.title, sec.rows, "No answers were recorded in this section.")

    if content.clauses:
        first, *rest = content.clauses
        flow.append(KeepTogether(heading("Consent") + clause(first.title, first.text, first.accepted)))
        flow += [KeepTogether(clause(c.title, c.text, c.accepted)) for c in rest]
    else:
        flow += section("Consent", [], "No consent clauses were recorded.")

    choice = (
        "Yes: photos of the treatment may be used for the clinic's marketing."
        if content.photo_marketing
        else "No: photos of the treatment must not be used for marketing."
    )
    flow.append(KeepTogether(heading("Marketing photos") + [para(choice, PARAGRAPH)]))

    signed = [
        ("Typed name", content.typed_name),
        ("Signed (clinic time)", content.signed_local),
        ("Signed (UTC)", content.signed_utc),
    ]
    flow.append(
        KeepTogether(heading("Signature") + signature_block(signature_png) + [rows_table(signed[:1])])
    )
    flow.append(rows_table(signed[1:]))

    flow.append(PageBreak())
    flow += section("Audit trail", content.audit)
    flow += section("Events", content.events, "No events were recorded.")
    if content.replaced_fields:
        flow.append(para(FALLBACK_NOTE, NOTE_SPACED))
        flow.append(para(f"Affected fields: {'; '.join(content.replaced_fields)}.", NOTE))
    return flow


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """`text` on one line, cut short with an ellipsis if it is too wide."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    budget = width - pdfmetrics.stringWidth("…", font, size)
    out = ""
    for c in text:
        if pdfmetrics.stringWidth(out + c, font, size) > budget:
            break
        out += c
    return out.rstrip() + "…"


class FooterCanvas(Canvas):
    """Holds every page back until the document is complete, so that each
    footer can say "Page X of Y"; one layout pass, like the Rust paginator."""

    def __init__(self, *args, footer_left: str, created: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer_left = footer_left
        self._saved_pages: list[dict] = []
        # Document dates from the input, not the clock, so that the same
        # input gives the same bytes (invariant mode fixes the file ID).
        stamp = created.astimezone(timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_: stamp)

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            self._footer(number, total)
            super().showPage()
        super().save()

    def _footer(self, number: int, total: int):
        self.setStrokeColor(RULE)
        self.setLineWidth(HAIRLINE)
        self.line(LEFT, FOOTER_RULE_Y, RIGHT, FOOTER_RULE_Y)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, FOOTER_SIZE)
        self.drawString(LEFT, FOOTER_BASELINE_Y, self._footer_left)
        self.drawRightString(RIGHT, FOOTER_BASELINE_Y, f"Page {number} of {total}")


def render(inp: ConsentInput, fonts: Fonts) -> tuple[bytes, int]:
    """The consent record as PDF bytes, and its page count."""
    content = clean_content(inp, fonts)
    title = plain(inp.title) or DOCUMENT_SUBTITLE
    footer_left = (
        f"{content.clinic_name} · {DOCUMENT_SUBTITLE}" if content.clinic_name else DOCUMENT_SUBTITLE
    )
    footer_left = fit_line(footer_left, REGULAR, FOOTER_SIZE, CONTENT_WIDTH * 0.7)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=PAGE_WIDTH - RIGHT,
        topMargin=FRAME_TOP,
        bottomMargin=FRAME_BOTTOM,
        title=title,
        author=plain(inp.clinic_name),
        subject=DOCUMENT_SUBTITLE,
        creator="Stipple",
        invariant=1,
        pageCompression=1,
        # Pages start in the body face rather than ReportLab's Helvetica.
        initialFontName=REGULAR,
        initialFontSize=BODY.fontSize,
    )
    frame = Frame(
        LEFT, FRAME_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - FRAME_TOP - FRAME_BOTTOM,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="content",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvasmaker = functools.partial(FooterCanvas, footer_left=footer_left, created=inp.created_at)
    doc.build(story(content, inp.signature_png), canvasmaker=canvasmaker)
    return buffer.getvalue(), doc.page


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed runs (default 200)")
    parser.add_argument("--out", type=Path, help="also write one sample PDF to this file")
    parser.add_argument("--font-dir", help="directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf")
    parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    args = parser.parse_args()
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    fonts = load_fonts(find_font_dir(args.font_dir))
    submission = json.loads(args.fixture.read_text(encoding="utf-8"))
    with args.template.open("rb") as f:
        template = tomllib.load(f)
    inp = pdf_input(submission, template)

    for _ in range(WARM_UP_RUNS):
        pdf, pages = render(inp, fonts)

    timings = []
    for _ in range(args.iterations):
        started = time.perf_counter()
        pdf, pages = render(inp, fonts)
        timings.append((time.perf_counter() - started) * 1000.0)
    timings.sort()

    if args.out:
        args.out.write_bytes(pdf)

    print(
        json.dumps(
            {
                "peer": "reportlab",
                "version": reportlab.Version,
                "iterations": args.iterations,
                "median_ms": round(statistics.median(timings), 3),
                "p90_ms": round(percentile(timings, 0.9), 3),
                "pages": pages,
                "bytes": len(pdf),
            }
        )
    )


if __name__ == "__main__":
    main()
