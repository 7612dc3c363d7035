"""Write a deterministic synthetic CPD journal project, for benchmarking pdp.

    python benchmarks/generate.py OUT_DIR --entries N [--years Y] [--seed S]

One member's journal has 40 to 60 entries a performance year; with --years, the entries are
shared evenly over the last Y years, as a team's journals read together would be. The same
arguments always give byte-identical files. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "generator" / "data" / "catalogue.toml"
OTHER = "other"
YEAR_START_MONTH = 4
DONE_BEFORE = date(2026, 11, 1)  # every done entry is dated before this day
PLANNED_FROM = date(2026, 12, 1)  # planned entries fill the rest of the current year
PLANNED_SHARE = 0.1  # of the current year's entries
OTHER_SHARE = 0.15
PRIVATE_SHARE = 0.05
TABLE_SHARE = 0.15
ENTRIES_PER_YEAR = (40, 60)
BODY_WORDS = (300, 900)
POOL_WORDS = 1 << 16
SHORTEST = 6  # words; no sentence or list item is left shorter

CONFIG = """\
# A synthetic journal written by benchmarks/generate.py.
name = "Alex Morgan"
role = "Senior Communications Officer"
line_manager = "Priya Shah"
year_start_month = 4
target = 30
"""

VOCABULARY = """
audience audiences insight insights campaign campaigns message messages messaging narrative
stakeholder stakeholders briefing briefings press release releases media journalist
journalists interview interviews spokesperson broadcast radio regional national digital
social channel channels content copy headline headlines story stories evidence data
evaluation evaluations metric metrics outcome outcomes output outputs reach engagement
sentiment survey surveys research segment segments behaviour behavioural change trust
reputation crisis incident resilience risk risks issue issues statement statements lines
rebuttal plan plans planning strategy strategic objective objectives OASIS brief budget
timeline launch launches partner partners agency agencies supplier suppliers procurement
creative concept concepts idea ideas testing pretest pilot feedback review reviewed draft
drafts drafting edit editing plain English accessible accessibility inclusive tone voice
brand identity design visual visuals video videos podcast webinar blog newsletter intranet
internal external colleagues team teams director directors minister ministers private
office policy policies official officials department departments government public
citizens residents community communities local partnership network networks
mentor mentoring coaching shadowing workshop workshops session sessions training course
learning reflection practice practical skills confidence judgement clarity timing
approval approvals sign-off clearance protocol protocols guidance standard standards
framework frameworks template templates toolkit checklist calendar forecast grid
press-office newsroom desk rota handling enquiries enquiry response responses reactive
proactive announcement announcements event events conference panel speaker speakers
presentation slides pitch pitches proposal proposals insight-led evidence-based
measurable realistic specific audience-first consistent timely accurate transparent
listening monitoring coverage cuttings analysis dashboard report reports summary
lessons learned improvement improvements priority priorities deadline deadlines
"""
WORDS = tuple(VOCABULARY.split())

OPENERS = (
    "I learned that",
    "The session showed that",
    "We agreed that",
    "It became clear that",
    "The team found that",
    "Our research suggests that",
    "In practice",
    "Looking back",
    "The main point was that",
    "My line manager noted that",
    "Next time",
    "Overall",
    "The speaker argued that",
    "One useful idea was that",
    "We tested whether",
)

TOPICS = (
    "crisis messaging",
    "regional media handling",
    "campaign evaluation",
    "audience insight",
    "behavioural science in campaigns",
    "plain English drafting",
    "accessible content",
    "social media listening",
    "stakeholder mapping",
    "press office rota",
    "live interviews",
    "reactive lines",
    "internal communications",
    "OASIS campaign planning",
    "paid media",
    "data storytelling",
    "video for social channels",
    "ministerial briefings",
    "partnership marketing",
    "inclusive language",
    "media monitoring",
    "speech writing",
    "brand guidelines",
    "horizon scanning",
    "evidence-based messaging",
    "crisis simulation",
    "podcast production",
    "newsletter design",
    "procurement of agencies",
    "measurement frameworks",
    "risk communication",
    "community engagement",
)
AUDIENCES = (
    "regional press",
    "young people",
    "local authorities",
    "frontline staff",
    "ministers",
    "small businesses",
    "rural communities",
    "trade media",
    "colleagues",
    "partners",
)
TEAMS = (
    "press office",
    "digital team",
    "insight team",
    "campaigns team",
    "policy team",
    "private office",
    "strategy unit",
    "internal comms team",
)
TITLES = (
    "{Topic} for {audience}",
    "{Topic}: lessons from the {team}",
    "Notes on {topic}",
    "{Topic} with the {team}",
    "Session on {topic}",
    "{Topic} in practice",
)
SKILLS = (
    "Crisis communication",
    "Media relations",
    "Campaign planning",
    "Evaluation",
    "Audience insight",
    "Writing for the web",
    "Plain English",
    "Stakeholder engagement",
    "Social media",
    "Internal communications",
    "Presentation",
    "Project management",
    "Data analysis",
    "Behavioural science",
    "Accessibility",
    "Leadership",
    "Coaching",
    "Strategic communication",
    "Content design",
    "Partnership working",
)
TAGS = (
    "podcast",
    "webinar",
    "media",
    "crisis",
    "evaluation",
    "campaigns",
    "digital",
    "writing",
    "insight",
    "stakeholders",
    "internal",
    "video",
    "social",
    "leadership",
    "mentoring",
    "events",
    "data",
    "accessibility",
    "strategy",
    "press-office",
)
LINK_PLACES = ("guidance", "blog", "insight", "case-studies", "learning-hub", "toolkit")
GOAL_AREAS = (
    ("media-handling", "Handle live media interviews", "live broadcast interviews"),
    ("crisis-comms", "Lead the comms response to an incident", "crisis communication"),
    ("evaluation", "Evaluate campaigns against objectives", "campaign evaluation"),
    ("audience-insight", "Build campaigns on audience insight", "audience research"),
    ("plain-english", "Write in plain English", "plain English drafting"),
    ("accessibility", "Publish accessible content", "accessible content"),
    ("social-listening", "Run social media listening", "social media listening"),
    ("stakeholders", "Map and manage stakeholders", "stakeholder management"),
    ("internal-comms", "Plan internal communications", "internal communications"),
    ("campaign-planning", "Plan campaigns with OASIS", "campaign planning"),
    ("paid-media", "Buy paid media well", "paid media planning"),
    ("data-storytelling", "Tell stories with data", "data storytelling"),
    ("video", "Produce short videos", "video production"),
    ("ministerial-briefing", "Brief ministers with confidence", "ministerial briefing"),
    ("partnerships", "Run partnership campaigns", "partnership marketing"),
    ("speech-writing", "Write speeches", "speech writing"),
    ("behavioural-science", "Apply behavioural science", "behavioural science"),
    ("leadership", "Lead a small team", "line management"),
    ("coaching", "Coach junior colleagues", "coaching"),
    ("procurement", "Procure and manage agencies", "agency procurement"),
)
GOAL_STATUSES = ("in-progress",) * 5 + ("achieved",) * 3 + ("not-started", "dropped")


@dataclass(frozen=True, slots=True)
class Activity:
    """A catalogue activity, as far as the generator needs it."""

    id: str
    category: str
    points: float


@dataclass(frozen=True, slots=True)
class Year:
    """A performance year: its folder name and its first and last days."""

    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The catalogue's activities, with weights that favour small activities."""

    activities: tuple[Activity, ...]
    cumulative: tuple[float, ...]
    categories: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> Catalogue:
        """The shipped catalogue, read from its data file."""
        items = tomllib.loads(path.read_text("utf-8"))["activity"]
        activities = tuple(
            Activity(item["id"], item["category"], float(item["points"])) for item in items
        )
        weights = accumulate(1 / activity.points for activity in activities)
        categories = tuple(sorted({activity.category for activity in activities}))
        return cls(activities, tuple(weights), categories)

    def pick(self, rng: random.Random) -> Activity:
        """A random activity, small ones more often."""
        return rng.choices(self.activities, cum_weights=self.cumulative)[0]


class Prose:
    """Markdown text made of the comms vocabulary, drawn from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random
        # Words are read from random places in a long pool of random words: as varied as
        # drawing each word afresh, and many times faster.
        self.pool = rng.choices(WORDS, k=POOL_WORDS)

    def between(self, low: int, high: int) -> int:
        """A whole number from `low` to `high`; cheaper than `randint`, which adds up here."""
        return low + int(self.random() * (high - low + 1))

    def words(self, count: int) -> list[str]:
        """Some words, now and then one emphasised or two turned into a link."""
        start = self.between(0, POOL_WORDS - count - 1)
        words = self.pool[start : start + count]
        roll = self.random()
        if roll < 0.12 and count >= 3:
            self._link(words)
        elif roll < 0.3 and count >= 2:
            index = self.between(1, count - 1)
            mark = "**" if roll < 0.18 else "*"
            words[index] = f"{mark}{words[index]}{mark}"
        return words

    def _link(self, words: list[str]) -> None:
        """Turn two of `words`, not the first, into a link."""
        index = self.rng.randrange(1, len(words) - 1)
        text = f"{words[index]} {words[index + 1]}"
        slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        place = self.rng.choice(LINK_PLACES)
        words[index : index + 2] = [f"[{text}](https://example.org/{place}/{slug})"]

    def plain(self, count: int) -> str:
        """Undecorated words, the first one capitalised."""
        start = self.between(0, POOL_WORDS - count - 1)
        return capitalised(" ".join(self.pool[start : start + count]))

    def sentence(self, room: int) -> tuple[str, int]:
        """A sentence of 8 to 18 words, maybe with an opener; it takes up a small remainder."""
        count = fitted(self.between(8, 18), room)
        if count >= 8 and self.random() < 0.3:
            opener = OPENERS[self.between(0, len(OPENERS) - 1)]
            rest = self.words(count - len(opener.split()))
            return f"{opener} {' '.join(rest)}.", count
        return capitalised(" ".join(self.words(count))) + ".", count

    def paragraph(self, room: int) -> tuple[str, int]:
        """A paragraph of 2 to 6 sentences (fewer if `room` words run out), on one line."""
        sentences, used = [], 0
        for _ in range(self.between(2, 6)):
            text, count = self.sentence(room - used)
            sentences.append(text)
            used += count
            if used >= room:
                break
        return " ".join(sentences), used

    def bullets(self, room: int) -> tuple[str, int]:
        """A bulleted or numbered list of 3 to 6 short items, of at most `room` words."""
        numbered = self.random() < 0.25
        lines, used = [], 0
        for number in range(1, self.between(3, 6) + 1):
            count = fitted(self.between(4, 12), room - used)
            marker = f"{number}." if numbered else "-"
            lines.append(f"{marker} {capitalised(' '.join(self.words(count)))}")
            used += count
            if used >= room:
                break
        return "\n".join(lines), used

    def table(self) -> tuple[str, int]:
        """A three-column table of 3 to 5 rows."""
        cells = [
            [self.plain(self.between(1, 3)) for _ in range(3)] for _ in range(self.between(3, 5))
        ]
        rows = [[capitalised(word) for word in self.rng.sample(WORDS, 3)], ["---"] * 3, *cells]
        text = "\n".join("| " + " | ".join(row) + " |" for row in rows)
        return text, sum(len(cell.split()) for row in rows for cell in row) - 3

    def section(self, heading: str, budget: int, with_table: bool = False) -> str:
        """A `##` section of `budget` words: paragraphs, lists (never two in a row), a table."""
        table, used = self.table() if with_table else ("", 0)
        blocks, after_list = [f"## {heading}"], True  # open with a paragraph
        while used < budget:
            room = budget - used
            listing = not after_list and room >= 30 and self.random() < 0.3
            text, count = self.bullets(room) if listing else self.paragraph(room)
            blocks.append(text)
            used += count
            after_list = listing
        if table:
            blocks.insert(2, table)  # after the first paragraph
        return "\n\n".join(blocks)

    def reflection(self) -> str:
        """An entry body of 300 to 900 words under the three reflection headings."""
        words = self.between(*BODY_WORDS)
        did, learned = words * 3 // 10, words * 4 // 10
        with_table = self.random() < TABLE_SHARE
        return (
            "\n\n".join(
                (
                    self.section("What I did", did),
                    self.section("What I learned", learned, with_table),
                    self.section("How I applied it", words - did - learned),
                )
            )
            + "\n"
        )


def fitted(count: int, room: int) -> int:
    """`count` words, or all of `room` if fewer than `SHORTEST` would be left."""
    return room if room - count < SHORTEST else count


def capitalised(text: str) -> str:
    """`text` with its first letter upper-case and the rest as it was."""
    return text[:1].upper() + text[1:]


def year_starting(first: int) -> Year:
    """The performance year that starts in `first`."""
    start = date(first, YEAR_START_MONTH, 1)
    end = date(first + 1, YEAR_START_MONTH, 1) - timedelta(days=1)
    return Year(f"{first}-{(first + 1) % 100:02d}", start, end)


def current_year() -> Year:
    """The performance year of the last done entries."""
    last = DONE_BEFORE - timedelta(days=1)
    return year_starting(last.year if last.month >= YEAR_START_MONTH else last.year - 1)


def random_day(rng: random.Random, first: date, last: date) -> date:
    """A day between `first` and `last`, both included."""
    return first + timedelta(days=rng.randint(0, (last - first).days))


def year_days(rng: random.Random, year: Year, count: int) -> list[tuple[date, str]]:
    """Dates and statuses of one year's entries, in date order."""
    days = []
    for _ in range(count):
        if year.end < DONE_BEFORE:
            days.append((random_day(rng, year.start, year.end), "done"))
        elif rng.random() < PLANNED_SHARE:
            days.append((random_day(rng, PLANNED_FROM, year.end), "planned"))
        else:
            days.append((random_day(rng, year.start, DONE_BEFORE - timedelta(days=1)), "done"))
    return sorted(days)


def year_sizes(rng: random.Random, count: int, years: int | None) -> Iterator[int]:
    """How many of `count` entries each performance year holds, newest year first: 40 to 60
    (one member's journal), or, over `years` years, an even share (a team's journals)."""
    if years is not None:
        share, extra = divmod(count, years)
        for index in range(years):
            yield share + (index < extra)
        return
    remaining = count
    while remaining > 0:
        size = min(remaining, rng.randint(*ENTRIES_PER_YEAR))
        yield size
        remaining -= size


def schedule(
    rng: random.Random, count: int, years: int | None = None
) -> Iterator[tuple[Year, date, str]]:
    """The year, date and status of `count` entries, newest year first (see `year_sizes`)."""
    first = current_year().start.year
    # The sizes are drawn one year at a time, between the years' dates, as they always were:
    # a journal of one member's shape stays byte-identical to the ones made before --years.
    for offset, size in enumerate(year_sizes(rng, count, years)):
        year = year_starting(first - offset)
        for day, status in year_days(rng, year, size):
            yield year, day, status


def slug(text: str) -> str:
    """A file name from a title: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")


def unique(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`... if it is taken; the result is then taken."""
    name, number = stem, 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}"
    taken.add(name)
    return name


def front_matter(fields: Sequence[tuple[str, str]]) -> str:
    """A YAML front-matter block of already formatted values."""
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in fields) + "---\n\n"


def flow(items: Sequence[str]) -> str:
    """A YAML flow list of already formatted items."""
    return "[" + ", ".join(items) + "]"


def title(rng: random.Random) -> str:
    """An entry title from the topic templates."""
    topic = rng.choice(TOPICS)
    text = rng.choice(TITLES).format(
        topic=topic,
        Topic=capitalised(topic),
        audience=rng.choice(AUDIENCES),
        team=rng.choice(TEAMS),
    )
    return capitalised(text)


def hours_for(rng: random.Random, activity: Activity | None) -> str:
    """Hours spent: about half the points of a catalogue activity, 2 to 30 for others."""
    if activity is None:
        return f"{rng.randint(4, 60) / 2:g}"
    halves = round(activity.points * rng.uniform(0.5, 1.5))
    return f"{max(1, halves) / 2:g}"


def activity_fields(rng: random.Random, catalogue: Catalogue) -> list[tuple[str, str]]:
    """The activity, category and hours lines of an entry."""
    if rng.random() < OTHER_SHARE:
        return [
            ("activity", OTHER),
            ("category", rng.choice(catalogue.categories)),
            ("hours", hours_for(rng, None)),
        ]
    activity = catalogue.pick(rng)
    return [("activity", activity.id), ("hours", hours_for(rng, activity))]


def entry_fields(
    rng: random.Random, catalogue: Catalogue, heading: str, day: date, status: str
) -> list[tuple[str, str]]:
    """An entry's front matter, in the order the format reference lists the fields."""
    fields = [
        ("title", json.dumps(heading)),
        ("date", day.isoformat()),
        *activity_fields(rng, catalogue),
    ]
    # A done entry serves a goal or two, as `pdp check` asks (W010); a planned one may not yet.
    goals = rng.sample(GOAL_AREAS, rng.choice((0, 1, 1, 1, 2, 2)) or int(status == "done"))
    if goals:
        fields.append(("goals", flow([goal[0] for goal in goals])))
    fields.append(("skills", flow(rng.sample(SKILLS, rng.randint(1, 3)))))
    fields.append(("tags", flow(rng.sample(TAGS, rng.randint(1, 4)))))
    if status != "done":
        fields.append(("status", status))
    if rng.random() < PRIVATE_SHARE:
        fields.append(("private", "true"))
    return fields


def write(path: Path, text: str) -> None:
    """Write a file as UTF-8 with `\\n` line endings, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_entries(out: Path, prose: Prose, count: int, years: int | None) -> None:
    """`count` entries, in a folder per performance year."""
    rng, catalogue = prose.rng, Catalogue.read(CATALOGUE)
    taken: set[str] = set()
    for year, day, status in schedule(rng, count, years):
        heading = title(rng)
        stem = unique(f"{day.isoformat()}-{slug(heading)}", taken)
        text = front_matter(entry_fields(rng, catalogue, heading, day, status))
        write(out / "journal" / "entries" / year.name / f"{stem}.md", text + prose.reflection())


def write_goals(out: Path, prose: Prose) -> None:
    """One goal file per goal area."""
    rng = prose.rng
    for goal_id, heading, area in GOAL_AREAS:
        fields = [
            ("title", json.dumps(heading)),
            ("gap", json.dumps(f"Little experience of {area}")),
            ("objective", json.dumps(f"Lead {area} work for the team without support")),
            (
                "measure",
                json.dumps(
                    f"{rng.randint(2, 5)} pieces of {area} work, reviewed with my line manager"
                ),
            ),
            ("target_date", random_day(rng, date(2025, 1, 1), date(2027, 12, 31)).isoformat()),
            ("status", rng.choice(GOAL_STATUSES)),
        ]
        paragraphs = (prose.paragraph(rng.randint(40, 100))[0] for _ in range(rng.randint(1, 3)))
        body = "\n\n".join(paragraphs)
        write(out / "journal" / "goals" / f"{goal_id}.md", front_matter(fields) + body + "\n")


def review_days(rng: random.Random) -> Iterator[tuple[date, str]]:
    """The day and name of the last few mid-year and year-end reviews."""
    for first in range(current_year().start.year, current_year().start.year - 3, -1):
        mid = random_day(rng, date(first, 10, 1), date(first, 10, 10))
        if mid < DONE_BEFORE:
            yield mid, f"Mid-year review {year_starting(first).name}"
        end = random_day(rng, date(first, 4, 1), date(first, 4, 20))
        yield end, f"Year-end review {year_starting(first - 1).name}"


def write_reviews(out: Path, prose: Prose) -> None:
    """A mid-year and a year-end review for each of the last few years."""
    rng = prose.rng
    for day, heading in review_days(rng):
        goals = [goal[0] for goal in rng.sample(GOAL_AREAS, rng.randint(1, 3))]
        actions = [json.dumps(prose.plain(rng.randint(4, 9))) for _ in range(rng.randint(1, 3))]
        fields = [
            ("date", day.isoformat()),
            ("title", json.dumps(heading)),
            ("reviewer", json.dumps("Priya Shah")),
            ("goals", flow(goals)),
            ("actions", flow(actions)),
        ]
        body = prose.section("Notes", rng.randint(80, 200)) + "\n"
        name = f"{day.isoformat()}-{slug(heading)}.md"
        write(out / "journal" / "reviews" / name, front_matter(fields) + body)


def generate(out: Path, entries: int, seed: int, years: int | None = None) -> None:
    """Write the whole project: configuration, goals, reviews and entries."""
    prose = Prose(random.Random(seed))
    write(out / "pdp.toml", CONFIG)
    write_goals(out, prose)
    write_reviews(out, prose)
    write_entries(out, prose, entries, years)


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        type=Path,
        help="an empty or new folder for the journal project",
    )
    parser.add_argument(
        "--entries", metavar="N", type=positive, required=True, help="how many entries to write"
    )
    parser.add_argument(
        "--years",
        metavar="Y",
        type=positive,
        help="share the entries evenly over the last Y performance years, as a team's "
        "journals read together would be (default: 40 to 60 a year, one member's)",
    )
    parser.add_argument(
        "--seed", metavar="S", type=int, default=1, help="the random seed (default: 1)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """Generate the project named on the command line."""
    args = parse_args(argv)
    out: Path = args.out_dir
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"generate.py: {out} exists and is not an empty folder", file=sys.stderr)
        return 2
    generate(out, args.entries, args.seed, args.years)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
