"""The assistant's replies: short, in a producer's voice, saying exactly what was made or changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generation.engine.arrange import plan_sections
from generation.engine.presets import GENRE_DEFAULTS, GENRES, TRACK_NAMES
from generation.engine.spec import BeatSpec

__all__ = [
    "answer",
    "bank_missing",
    "create",
    "describe",
    "duration_label",
    "export",
    "fallback",
    "genre_label",
    "hats_label",
    "help_text",
    "key_label",
    "modify",
    "redo",
    "spec_changes",
    "step_which_way",
    "step_which_way_note",
    "track_label",
    "undo",
]

# How producers spell the black-key tonics: Db/Ab major but C#/G# minor; F# either way.
_SPELLING = {
    "major": {"C#": "Db", "D#": "Eb", "G#": "Ab", "A#": "Bb"},
    "minor": {"D#": "Eb", "A#": "Bb"},
}
_GENRE_NAMES = {
    "trap": "trap",
    "drill": "drill",
    "boom-bap": "boom bap",
    "lo-fi": "lo-fi",
    "house": "house",
    "techno": "techno",
    "drum-and-bass": "drum & bass",
    "reggaeton": "reggaeton",
    "afrobeats": "afrobeats",
    "rnb": "R&B",
    "pop": "pop",
    "synthwave": "synthwave",
}
_HAT_LABELS = {4: "1/4", 8: "1/8", 12: "1/8 triplets", 16: "1/16", 24: "1/16 triplets", 32: "1/32"}
_TRACK_LABELS = {"clap": "claps", "perc": "percussion"}
EXAMPLES = (
    '"dark trap, 140, F minor"',
    '"lofi for studying, 2 minutes"',
    '"faster hats"',
    '"drop the melody"',
    '"bump it to 150"',
    '"twice as long"',
    '"undo"',
    '"stems?"',
    '"what key is this?"',
)


# --- labels ---------------------------------------------------------------------------------
def key_label(spec: BeatSpec) -> str:
    """Key as producers write it ("Eb major", "C# minor", "Bb minor")."""
    return f"{_SPELLING[spec.key.mode].get(spec.key.tonic, spec.key.tonic)} {spec.key.mode}"


def duration_label(seconds: float) -> str:
    """``125.4`` -> ``"2:05"``."""
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def hats_label(rate: int | None) -> str:
    return _HAT_LABELS.get(rate or 0, f"{rate}/bar")


def genre_label(genre: str) -> str:
    return _GENRE_NAMES.get(genre, genre)


def _bpm(value: float) -> str:
    return f"{value:g}"


def track_label(spec: BeatSpec, name: str) -> str:
    """The sound a producer would name: "808" for an 808 bass, "piano chords", "bells"."""
    instrument = spec.tracks[name].instrument
    if name == "bass" and instrument == "808":
        return "808"
    if name == "chords" and instrument in ("piano", "organ", "epiano"):
        return {"piano": "piano chords", "organ": "organ", "epiano": "keys"}[instrument]
    if name == "melody" and instrument in ("bell", "flute", "marimba", "pluck"):
        return {"bell": "bells", "flute": "flute", "marimba": "marimba", "pluck": "plucks"}[
            instrument
        ]
    if name == "pad" and instrument in ("strings", "choir"):
        return instrument
    return _TRACK_LABELS.get(name, name)


def describe(spec: BeatSpec) -> str:
    """``"F minor trap at 140, 2:00"``: the headline of every create/modify reply."""
    return f"{key_label(spec)} {genre_label(spec.genre)} at {_bpm(spec.bpm)}, {duration_label(spec.duration_s)}"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- changes ----------------------------------------------------------------------------------
def spec_changes(old: BeatSpec, new: BeatSpec) -> list[str]:
    """Short human-readable differences, in the order a producer cares about them."""
    changes = []
    if old.genre != new.genre:
        changes.append(f"genre {old.genre} → {new.genre}")
    if old.bpm != new.bpm:
        changes.append(f"bpm {_bpm(old.bpm)} → {_bpm(new.bpm)}")
    if old.key != new.key:
        changes.append(f"key {key_label(old)} → {key_label(new)}")
    if old.meter != new.meter:
        changes.append(f"meter {old.meter} → {new.meter}")
    # A tempo change alone keeps the bars (and so changes the seconds); only bars count here.
    if old.bars != new.bars:
        changes.append(
            f"length {duration_label(old.duration_s)} → {duration_label(new.duration_s)} "
            f"({old.bars} → {new.bars} bars)"
        )
    if old.loop != new.loop:
        changes.append("loop on" if new.loop else "loop off (full arrangement)")
    if new.sections and old.sections != new.sections:
        changes += section_changes(old, new)
    for name in TRACK_NAMES:
        before, after = old.tracks[name], new.tracks[name]
        if before.enabled != after.enabled:
            changes.append(f"{_TRACK_LABELS.get(name, name)} {'on' if after.enabled else 'off'}")
        if before.instrument != after.instrument and after.enabled:
            changes.append(f"{name} sound {before.instrument} → {after.instrument}")
        if before.gain_db != after.gain_db and after.enabled:
            label = "808" if track_label(new, name) == "808" else _TRACK_LABELS.get(name, name)
            changes.append(f"{label} {after.gain_db:+g} dB")
        if name == "hats" and before.rate != after.rate:
            changes.append(f"hats {hats_label(before.rate)} → {hats_label(after.rate)}")
    if old.swing != new.swing:
        changes.append(f"swing {round(old.swing * 100)}% → {round(new.swing * 100)}%")
    if old.energy != new.energy:
        changes.append(f"energy {round(old.energy * 100)}% → {round(new.energy * 100)}%")
    if old.mood != new.mood:
        changes.append(f"mood {old.mood or 'none'} → {new.mood or 'none'}")
    if old.seed != new.seed:
        changes.append("new variation")
    return changes


def section_changes(old: BeatSpec, new: BeatSpec) -> list[str]:
    """ "intro 4 → 8 bars", "break added (8 bars)", "outro removed": the arrangement's edits."""
    before = [(s.name, s.bars) for s in plan_sections(old)]
    after = [(s.name, s.bars) for s in new.sections]
    lines: list[str] = []
    # The verses and hooks re-plan around any length change; name them only when nothing at
    # the edges (intro, outro, breaks) moved.
    edges = ("intro", "outro", "break", "bridge", "drop")
    old_names = [n for n, _ in before]
    new_names = [n for n, _ in after]
    for name in dict.fromkeys(old_names + new_names):
        was = [b for n, b in before if n == name]
        now = [b for n, b in after if n == name]
        if len(now) > len(was):
            lines.append(f"{name} added ({now[-1]} bars)")
        elif len(now) < len(was):
            lines.append(f"{name} removed" if not now else f"one {name} fewer")
        else:
            for a, b in zip(was, now, strict=True):
                if a != b:
                    lines.append(f"{name} {a} → {b} bars")
    edge_lines = [line for line in lines if line.split()[-1 if "fewer" in line else 0] in edges]
    return edge_lines or lines or ["arrangement reshaped"]


def _phrase(change: str, old: BeatSpec, new: BeatSpec) -> str:
    """A change as it reads in a reply: "hats doubled to 1/32" rather than "hats 1/16 → 1/32"."""
    if change.startswith("hats ") and "→" in change:
        before, after = old.tracks["hats"].rate or 0, new.tracks["hats"].rate or 0
        if after == before * 2:
            return f"hats doubled to {hats_label(after)}"
        if after * 2 == before:
            return f"hats halved to {hats_label(after)}"
        return f"hats to {hats_label(after)}"
    if change.startswith("bpm "):
        return f"tempo {_bpm(old.bpm)} → {_bpm(new.bpm)}"
    if change.startswith("length "):
        return f"length {duration_label(old.duration_s)} → {duration_label(new.duration_s)}"
    if change.endswith(" off") and not change.startswith(("loop", "swing")):
        return change[: -len(" off")] + " out"
    if change.endswith(" on") and not change.startswith("loop"):
        return change[: -len(" on")] + " in"
    if change == "new variation":
        return "fresh variation (new seed)"
    return change


# --- replies ------------------------------------------------------------------------------
def create(spec: BeatSpec, *, chose_defaults: bool = False, notes: Sequence[str] = ()) -> str:
    """Reply to a new beat: what it is, how long, what's in it."""
    mood = f"{spec.mood} " if spec.mood and spec.mood not in genre_label(spec.genre) else ""
    tracks = _join([track_label(spec, name) for name in spec.enabled_tracks()])
    shape = f"{spec.bars}-bar loop" if spec.loop else f"{spec.bars} bars"
    head = f"{mood}{genre_label(spec.genre)} in {key_label(spec)}".strip()
    text = f"{head[0].upper()}{head[1:]} at {_bpm(spec.bpm)} BPM, {duration_label(spec.duration_s)} ({shape}) — {tracks}."
    if chose_defaults:
        text = f"No details, so I picked: {text[0].lower()}{text[1:]} Tell me what to change."
    else:
        text += " Cooking it now."
    return _with_notes(text, notes)


def modify(
    old: BeatSpec, new: BeatSpec, changes: Sequence[str], *, notes: Sequence[str] = ()
) -> str:
    """Reply to an edit: the new headline, then what changed, then that the rest was kept."""
    if not changes:
        if notes:  # asked for something that could not be done
            return _with_notes(f"Kept it as is — {describe(new)}.", notes)
        return f"Already there — {describe(new)}; nothing to change."
    if old.genre != new.genre:
        # A genre switch brings the genre's tempo, kit and groove; name the switch, not each part.
        length_moved = abs(new.duration_s - old.duration_s) > 0.05 * old.duration_s
        same_tempo = new.bpm == old.bpm
        parts = [
            f"switched to {genre_label(new.genre)} with its kit and groove"
            if same_tempo
            else f"switched to {genre_label(new.genre)} with its tempo, kit and groove"
        ]
        parts += [_phrase(c, old, new) for c in changes if c.startswith("key ")]
        if length_moved:
            parts.append(_phrase("length ", old, new))
        if new.bpm != GENRE_DEFAULTS[new.genre].bpm and not same_tempo:
            parts.append(f"tempo {_bpm(new.bpm)}")
        kept = [
            name
            for name, same in (
                ("tempo", same_tempo),
                ("key", old.key == new.key),
                ("length", not length_moved),
            )
            if same
        ]
        tail = f"; {_join(kept)} kept" if kept else ""
        return _with_notes(f"{describe(new)} — {', '.join(parts)}{tail}.", notes)
    phrases = [_phrase(change, old, new) for change in changes]
    return _with_notes(f"{describe(new)} — {', '.join(phrases)}, everything else kept.", notes)


def solo(tracks: Sequence[str], spec: BeatSpec | None) -> str:
    """Reply to "solo the drums": the studio's mixer does it; the beat is not edited."""
    if spec is None:
        return (
            "Nothing to solo yet — make a beat first, then use S on a track in the studio's mixer."
        )
    names = _join([track_label(spec, name) for name in tracks]) or "that track"
    off = [track_label(spec, n) for n in tracks if not spec.tracks[n].enabled]
    tail = (
        f" ({_join(off)} {'is' if len(off) == 1 else 'are'} off in this version — say 'bring {off[0]} back' to add it)"
        if off
        else ""
    )
    return (
        f"Solo {names} in the studio's mixer (the S button on each track) — it's instant and "
        f"nothing is deleted; the beat stays {describe(spec)}.{tail}"
    )


def solo_note(tracks: Sequence[str]) -> str:
    return (
        f"to solo {_join(list(tracks))}, use the S button in the studio's mixer — nothing deleted"
    )


def which_way(named: Sequence[str], spared: Sequence[str], spec: BeatSpec) -> str:
    """The one short question for a turn that names tracks but no action."""
    these = _join([track_label(spec, n) for n in named])
    others = _join([track_label(spec, n) for n in spared])
    return (
        f"The {these}, not the {others} — louder, quieter or out? "
        f'(e.g. "{track_label(spec, named[0])} louder")'
    )


def step_which_way(step: float, bpm: float) -> str:
    """The short question for "make it 8 bpm": no beat runs that slow, so it is a step."""
    amount, now = f"{step:g}", f"{bpm:g}"
    return (
        f"{amount} BPM is too slow for a beat — did you mean {amount} faster or slower? "
        f'We\'re at {now} BPM (e.g. "{amount} bpm faster" or "tempo {now}").'
    )


def step_which_way_note(step: float, bpm: float) -> str:
    """The same question as a note when the turn changed something else."""
    return f"tempo kept at {bpm:g} — {step:g} BPM faster or slower?"


def reference_note(artist: str) -> str:
    """Said whenever an artist is named: the beat evokes a style, it does not copy anyone."""
    return f"evoking the {artist} style, not copying the artist"


def variations(
    old: BeatSpec, specs: Sequence[BeatSpec], changes: Sequence[str], *, notes: Sequence[str] = ()
) -> str:
    """Reply to "give me 3 variations": how many, and that each is its own version."""
    edits = [_phrase(c, old, specs[0]) for c in changes if c != "new variation"]
    extra = f", with {', '.join(edits)}" if edits else ""
    if len(specs) == 1:
        return _with_notes(
            f"A new take of the {describe(specs[0])}{extra} — same settings, new seed.", notes
        )
    return _with_notes(
        f"{len(specs)} variations of the {describe(specs[0])}{extra} — same settings, new seeds, "
        "each its own version so you can flip between them.",
        notes,
    )


def more_takes(count: int) -> str:
    """The sentence a new beat's reply ends with when it comes with ``count`` extra takes."""
    if count < 1:
        return ""
    return (
        f" Plus {count} more take{'s' if count > 1 else ''} with new seeds, each its own version."
    )


def variations_capped(*, started: int, asked: int, limit: int) -> str:
    """Why a "give me 4 variations" turn started fewer renders than asked."""
    return (
        f"started {started} of the {asked} — you can have {limit} renders going at once; "
        "ask for more when these finish"
    )


# Undo/redo/export replies are completed by the chat service (version number, links), so
# they end in a clean sentence it can extend.
def undo(
    restore_version: int | None = None, spec: BeatSpec | None = None, *, steps: int = 1
) -> str:
    tail = f": {describe(spec)}" if spec is not None else ""
    if steps > 1 and not restore_version:
        return f"Back {steps} versions{tail}."
    target = f"version {restore_version}" if restore_version else "the previous version"
    return f"Back to {target}{tail}."


def redo(spec: BeatSpec | None = None, *, steps: int = 1) -> str:
    tail = f": {describe(spec)}" if spec is not None else ""
    if steps > 1:
        return f"Redone {steps} changes{tail}."
    return f"Redone — the change is back{tail}."


def history_short(reply: str, *, action: str, asked: int, moved: int) -> str:
    """An undo/redo of several steps that ran out of history before the last one."""
    direction = "back" if action == "undo" else "forward"
    step = "step" if moved == 1 else "steps"
    return (
        f"{reply.rstrip('.')} — only {moved} {step} {direction} (of the {asked} asked) was there."
    )


def export(kind: str, spec: BeatSpec | None = None) -> str:
    what = {
        "stems": "Stems (one WAV per track)",
        "midi": "MIDI",
        "wav": "WAV master",
        "mp3": "MP3",
    }[kind]
    if spec is None:
        return f"Nothing to export yet — make a beat first, then ask for the {kind if kind == 'stems' else kind.upper()}."
    return f"{what} for the {describe(spec)}:"


def answer(topics: Sequence[str], spec: BeatSpec | None, *, genre: str | None = None) -> str:
    """Answer a question about the current beat (or about a genre's usual tempo)."""
    if (
        genre
        and (spec is None or genre != spec.genre)
        and (not topics or "tempo" in topics or "genre" in topics)
    ):
        preset = GENRE_DEFAULTS[genre]
        return (
            f"{genre_label(genre).capitalize()} usually sits at {_bpm(preset.bpm_min)} to {_bpm(preset.bpm_max)} BPM; "
            f"I'd start at {_bpm(preset.bpm)} in {preset.tonic} {preset.mode}. Say the word and I'll make one."
        )
    if "genres" in topics:
        return (
            "I make "
            + _join([genre_label(g) for g in GENRES])
            + ' — name one, or an artist\'s "type beat".'
        )
    if spec is None:
        return "There's no beat yet — tell me what to make, e.g. " + EXAMPLES[0] + "."
    parts = []
    for topic in topics or ("summary",):
        if topic == "key":
            parts.append(f"It's in {key_label(spec)}.")
        elif topic == "tempo":
            parts.append(f"{_bpm(spec.bpm)} BPM.")
        elif topic == "length":
            loop = ", looped" if spec.loop else ""
            parts.append(
                f"{duration_label(spec.duration_s)} — {spec.bars} bars of {spec.meter} at {_bpm(spec.bpm)}{loop}."
            )
        elif topic == "tracks":
            on = [track_label(spec, n) for n in spec.enabled_tracks()]
            off = [_TRACK_LABELS.get(n, n) for n in TRACK_NAMES if not spec.tracks[n].enabled]
            text = f"Playing: {_join(on) or 'nothing'}"
            if spec.tracks["hats"].enabled:
                text += f" (hats at {hats_label(spec.tracks['hats'].rate)})"
            parts.append(text + (f". Off: {_join(off)}." if off else "."))
        elif topic == "genre":
            parts.append(
                f"It's {genre_label(spec.genre)}" + (f", {spec.mood}" if spec.mood else "") + "."
            )
        elif topic == "swing":
            parts.append(
                "Dead straight, no swing."
                if spec.swing == 0
                else f"Swing at {round(spec.swing * 100)}%."
            )
        elif topic == "mood":
            parts.append(f"Mood: {spec.mood or 'neutral'}, energy {round(spec.energy * 100)}%.")
        elif topic == "version":
            parts.append(
                'Every change is a new version — say "undo", "redo" or "go back to version 2".'
            )
        else:
            parts.append(
                f"{describe(spec)[0].upper()}{describe(spec)[1:]}, {spec.bars} bars — "
                f"{_join([track_label(spec, n) for n in spec.enabled_tracks()])}."
            )
    return " ".join(dict.fromkeys(parts))


def help_text(spec: BeatSpec | None = None) -> str:
    lead = (
        "Tell me what to make or change"
        if spec is None
        else f"We're on {describe(spec)}. Tell me what to change"
    )
    return (
        f"{lead} — genre, tempo, key, length, tracks, hats, swing, mood. Try "
        + ", ".join(EXAMPLES)
        + "."
    )


_FALLBACKS = {
    "empty": "Didn't catch anything there.",
    "too_long": "That's longer than I read (2,000 characters max) — give me the short version.",
    "binary": "That came through as garbled data, not text.",
    "prompt_injection": "I only make and edit beats — I can't change how I work.",
    "foreign": "I only understand English for now.",
    "not_understood": "Not sure what you mean there.",
    "internal": "Something went wrong on my side reading that — nothing was changed.",
}


def fallback(reason: str, spec: BeatSpec | None = None) -> str:
    """A safe reply to input the assistant will not act on; nothing changes."""
    return f"{_FALLBACKS.get(reason, _FALLBACKS['not_understood'])} {help_text(spec)}"


def _with_notes(text: str, notes: Sequence[str]) -> str:
    return text + "".join(f" ({note})" for note in notes)


# --- wording chat.services used to hold (moved here so every reply is in one file) ----------
def rate_limited(per_minute: int, retry_after_s: int) -> str:
    return f"easy — that's {per_minute} messages a minute; try again in {retry_after_s}s"


def history_empty(action: str) -> str:
    """An undo with nothing before it, or a redo on the latest version."""
    if action == "undo":
        return "Nothing to go back to yet."
    return "Nothing to redo — you're on the latest."


def history_moved(reply: str, *, number: int, label: str) -> str:
    """The undo/redo reply plus where it landed: "… — now on v2 (F minor trap 140 bpm)."."""
    return f"{reply.rstrip('.')} — now on v{number} ({label})."


def restored(*, number: int, key: str, genre: str, bpm: float) -> str:
    return f"Restored v{number} — {key} {genre} at {bpm:g} bpm."


def export_no_beat() -> str:
    return "Make a beat first — then I can hand you the files."


def export_rendering(number: int) -> str:
    return f"v{number} is still rendering — the downloads appear as soon as it's done."


def export_links(reply: str, links: Sequence[tuple[str, str]]) -> str:
    """The export reply followed by one "label: url" line per download."""
    return "\n".join([reply.rstrip(), *(f"{label}: {url}" for label, url in links)])


def variations_made(reply_text: str, numbers: list[str]) -> str:
    """The reply to "give me 3 variations", naming every version it made."""
    return f"{reply_text} ({', '.join(numbers[:-1])} and {numbers[-1]})"


def render_cancelled(number: int, *, back_to: int | None, label: str | None = None) -> str:
    """A cancelled render: which version is current again (or that nothing could be)."""
    if back_to is None:
        return f"Cancelled v{number}: it was never rendered, and there is no earlier version to go back to."
    return f"Cancelled v{number}. v{back_to} ({label}) is current again."


def mix_saved(number: int, summary: str) -> str:
    """The mixer's "save as a version"."""
    return f"Saved the mix as v{number} ({summary}); rendering it now."


def bank_missing(instrument: str, bank: str, package: str, fallback: str, track: str) -> str:
    """The note when a sampled instrument was asked for but its sound bank is missing."""
    return (
        f"the {instrument} samples need the {bank} sound bank, which isn't installed here "
        f"(`make banks`, or apt-get install {package}), so I used the synth {fallback} {track}"
    )


# --- what a turn asked for that the beat cannot be (chat.out_of_range) -------------------
def bars_not_a_length(asked: str, bars: int) -> str:
    return f"{asked} bars is not a length, so it is {bars} bars."


def bars_past_limit(asked: int, *, minutes: float, longest: int, bpm: float, bars: int) -> str:
    return (
        f"{asked:,} bars is past the {minutes:g}-minute limit (at most {longest} bars at "
        f"{bpm:g} BPM), so it is {bars} bars."
    )


def length_negative(asked: str, length: str) -> str:
    return f"A length cannot be negative ({asked}), so it is {length}."


def genre_unknown(word: str, genre: str, genres: Iterable[str]) -> str:
    return f"I don't know “{word}” as a genre, so this is {genre}; I make {', '.join(genres)}."
