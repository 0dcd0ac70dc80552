"""The words the assistant understands, as data: genres, artists, tracks, moods, numbers."""

from __future__ import annotations

# The tables below are data laid out for reading, several entries a line.
# fmt: off

# --- genres ------------------------------------------------------------------------------
# alias -> canonical genre. Longer aliases win over shorter ones ("lofi hip hop" is lo-fi,
# not boom-bap); GENERIC_GENRE_ALIASES lose to any specific alias in the same text.
GENRE_ALIASES: dict[str, str] = {
    # trap
    "trap": "trap", "trap beat": "trap", "atl trap": "trap", "rage": "trap", "plugg": "trap", "pluggnb": "trap", "phonk": "trap", "memphis": "trap",
    "southern hip hop": "trap", "emo rap": "trap",
    "cloud rap": "trap", "hyperpop": "pop", "drift phonk": "trap", "jersey club": "house",
    # drill
    "drill": "drill", "uk drill": "drill", "ny drill": "drill", "nyc drill": "drill",
    "brooklyn drill": "drill", "chicago drill": "drill", "bronx drill": "drill",
    "jersey drill": "drill", "sample drill": "drill", "melodic drill": "drill",
    "aussie drill": "drill", "grime": "drill",
    # boom-bap
    "boom bap": "boom-bap", "boombap": "boom-bap", "boom bip": "boom-bap",
    "old school": "boom-bap", "oldschool": "boom-bap", "golden era": "boom-bap",
    "east coast": "boom-bap", "90s hip hop": "boom-bap", "classic hip hop": "boom-bap",
    "hip hop": "boom-bap", "hiphop": "boom-bap", "rap": "trap", "jazz rap": "boom-bap",
    "underground hip hop": "boom-bap", "sample based": "boom-bap",
    # lo-fi
    "lofi": "lo-fi", "lo fi": "lo-fi", "low fi": "lo-fi", "lowfi": "lo-fi", "lo fi hip hop": "lo-fi",
    "lofi hip hop": "lo-fi", "chillhop": "lo-fi", "chill hop": "lo-fi", "jazzhop": "lo-fi",
    "jazz hop": "lo-fi", "study beat": "lo-fi", "study beats": "lo-fi", "beats to study": "lo-fi",
    "chill beats": "lo-fi", "lofi jazz": "lo-fi", "jazz": "lo-fi", "jazzy hip hop": "lo-fi",
    # house
    "house": "house", "deep house": "house", "tech house": "house", "techhouse": "house",
    "progressive house": "house", "afro house": "house", "french house": "house",
    "disco house": "house", "chicago house": "house", "soulful house": "house",
    "garage": "house", "uk garage": "house", "ukg": "house", "2 step": "house",
    "future house": "house", "bass house": "house", "edm": "house", "four on the floor": "house",
    "disco": "house", "nu disco": "house", "dance": "house", "club": "house",
    # techno
    "techno": "techno", "minimal techno": "techno", "minimal": "techno",
    "hard techno": "techno", "industrial techno": "techno", "acid techno": "techno",
    "acid": "techno", "detroit techno": "techno", "berlin techno": "techno", "rave": "techno",
    "melodic techno": "techno", "warehouse": "techno", "trance": "techno",
    "hardstyle": "techno", "hard dance": "techno", "industrial": "techno", "psytrance": "techno",
    # drum-and-bass
    "drum and bass": "drum-and-bass", "drum n bass": "drum-and-bass", "drum & bass": "drum-and-bass",
    "drum bass": "drum-and-bass", "drum'n'bass": "drum-and-bass", "drumnbass": "drum-and-bass",
    "drum 'n' bass": "drum-and-bass", "drum n' bass": "drum-and-bass", "dnb": "drum-and-bass",
    "d&b": "drum-and-bass", "d n b": "drum-and-bass", "d'n'b": "drum-and-bass", "jungle": "drum-and-bass",
    "liquid": "drum-and-bass", "liquid dnb": "drum-and-bass", "neurofunk": "drum-and-bass",
    "neuro": "drum-and-bass", "jump up": "drum-and-bass", "breakbeat": "drum-and-bass", "amen break": "drum-and-bass", "amen breaks": "drum-and-bass",
    "breakcore": "drum-and-bass", "drumstep": "drum-and-bass", "dubstep": "drum-and-bass",
    "bass music": "drum-and-bass", "halftime dnb": "drum-and-bass",
    # reggaeton
    "reggaeton": "reggaeton", "regueton": "reggaeton", "reggeaton": "reggaeton",
    "reggaetón": "reggaeton", "reggaton": "reggaeton", "regaeton": "reggaeton",
    "raggaeton": "reggaeton", "dembow": "reggaeton", "perreo": "reggaeton",
    "latin": "reggaeton", "latin trap": "reggaeton", "urbano": "reggaeton",
    "moombahton": "reggaeton", "dancehall": "reggaeton", "bachata": "reggaeton",
    "salsa": "reggaeton", "cumbia": "reggaeton", "latin pop": "reggaeton",
    # afrobeats
    "afrobeats": "afrobeats", "afrobeat": "afrobeats", "afro beats": "afrobeats",
    "afro beat": "afrobeats", "afro": "afrobeats", "afropop": "afrobeats", "afro pop": "afrobeats",
    "afroswing": "afrobeats", "afro swing": "afrobeats", "amapiano": "afrobeats",
    "naija": "afrobeats", "afrofusion": "afrobeats", "afro fusion": "afrobeats",
    # rnb
    "r&b": "rnb", "rnb": "rnb", "r and b": "rnb", "r n b": "rnb", "r'n'b": "rnb",
    "rhythm and blues": "rnb", "neo soul": "rnb", "neosoul": "rnb", "soul": "rnb",
    "trapsoul": "rnb", "trap soul": "rnb", "slow jam": "rnb", "quiet storm": "rnb",
    "alt r&b": "rnb", "alternative r&b": "rnb", "90s r&b": "rnb", "90s rnb": "rnb",
    # pop
    "pop": "pop", "dance pop": "pop", "electropop": "pop", "k pop": "pop", "kpop": "pop",
    "indie pop": "pop", "bedroom pop": "pop", "teen pop": "pop", "radio pop": "pop",
    "top 40": "pop", "mainstream": "pop", "j pop": "pop", "jpop": "pop",
    # synthwave
    "synthwave": "synthwave", "synth wave": "synthwave", "retrowave": "synthwave",
    "retro wave": "synthwave", "outrun": "synthwave", "80s": "synthwave", "eighties": "synthwave",
    "retro": "synthwave", "vaporwave": "synthwave", "darkwave": "synthwave", "dark wave": "synthwave",
    "chillwave": "synthwave", "synthpop": "synthwave", "synth pop": "synthwave",
    "new wave": "synthwave", "cyberpunk": "synthwave", "miami vice": "synthwave",
    "city pop": "synthwave", "italo disco": "synthwave", "electro": "synthwave",
    "1980s": "synthwave",
}

# Broad words that a more specific genre in the same message overrides ("soulful house").
GENERIC_GENRE_ALIASES: frozenset[str] = frozenset({
    "hip hop", "hiphop", "rap", "soul", "dance", "club", "latin", "afro", "retro", "80s",
    "eighties", "1980s", "disco", "minimal", "acid", "liquid", "garage",
    "mainstream", "rave", "warehouse", "old school", "oldschool", "memphis", "jazz",
    "electro", "industrial", "salsa",
})

# Well-known "<artist> type beat" requests -> the genre they are best known for.
ARTIST_GENRES: dict[str, str] = {
    # trap
    "travis scott": "trap", "travis": "trap", "metro boomin": "trap", "metro": "trap",
    "future": "trap", "21 savage": "trap", "young thug": "trap", "lil baby": "trap",
    "gunna": "trap", "migos": "trap", "playboi carti": "trap", "carti": "trap",
    "lil uzi": "trap", "lil uzi vert": "trap", "uzi": "trap", "southside": "trap",
    "808 mafia": "trap", "zaytoven": "trap", "gucci mane": "trap", "young nudy": "trap",
    "juice wrld": "trap", "xxxtentacion": "trap", "lil peep": "trap", "don toliver": "trap",
    "nav": "trap", "lil durk": "trap", "roddy ricch": "trap", "polo g": "trap",
    "nba youngboy": "trap", "youngboy": "trap", "lil wayne": "trap", "kodak black": "trap",
    "drake": "trap", "quavo": "trap", "offset": "trap", "takeoff": "trap", "wheezy": "trap",
    "tm88": "trap", "pierre bourne": "trap", "pi'erre bourne": "trap", "ken carson": "trap",
    "destroy lonely": "trap", "yeat": "trap", "lil tecca": "trap", "trippie redd": "trap",
    "megan thee stallion": "trap", "cardi b": "trap", "nicki minaj": "trap", "lil yachty": "trap",
    "baby keem": "trap", "a$ap rocky": "trap", "asap rocky": "trap", "tay keith": "trap",
    "kanye west": "boom-bap", "kanye": "boom-bap",
    # drill
    "pop smoke": "drill", "central cee": "drill", "cench": "drill", "headie one": "drill",
    "digga d": "drill", "fivio foreign": "drill", "fivio": "drill", "kay flock": "drill",
    "sheff g": "drill", "sleepy hallow": "drill", "chief keef": "drill", "king von": "drill",
    "22gz": "drill", "unknown t": "drill", "loski": "drill", "dutchavelli": "drill",
    "ice spice": "drill", "bizzy banks": "drill", "axl beats": "drill", "ghosty": "drill",
    "m1onthebeat": "drill", "ms banks": "drill", "k trap": "drill", "russ millions": "drill",
    "stormzy": "drill", "skepta": "drill", "dave": "drill", "aitch": "drill",
    # boom-bap
    "j dilla": "boom-bap", "dilla": "boom-bap", "dj premier": "boom-bap", "premo": "boom-bap",
    "pete rock": "boom-bap", "nas": "boom-bap", "mf doom": "boom-bap", "doom": "boom-bap",
    "madlib": "boom-bap", "wu tang": "boom-bap", "wu tang clan": "boom-bap", "rza": "boom-bap",
    "biggie": "boom-bap", "notorious big": "boom-bap", "notorious b.i.g.": "boom-bap",
    "joey badass": "boom-bap", "joey bada$$": "boom-bap", "j cole": "boom-bap",
    "kendrick": "boom-bap", "kendrick lamar": "boom-bap", "mobb deep": "boom-bap",
    "a tribe called quest": "boom-bap", "tribe called quest": "boom-bap", "atcq": "boom-bap",
    "gang starr": "boom-bap", "griselda": "boom-bap", "westside gunn": "boom-bap",
    "conway": "boom-bap", "benny the butcher": "boom-bap", "alchemist": "boom-bap",
    "the alchemist": "boom-bap", "statik selektah": "boom-bap", "eminem": "boom-bap",
    "dr dre": "boom-bap", "dre": "boom-bap", "tupac": "boom-bap", "2pac": "boom-bap",
    "jay z": "boom-bap", "jayz": "boom-bap", "mos def": "boom-bap",
    "black star": "boom-bap", "the roots": "boom-bap", "9th wonder": "boom-bap",
    "run the jewels": "boom-bap", "ghostface": "boom-bap",
    # lo-fi
    "nujabes": "lo-fi", "lofi girl": "lo-fi", "tomppabeats": "lo-fi", "idealism": "lo-fi",
    "jinsang": "lo-fi", "kupla": "lo-fi", "mf lofi": "lo-fi", "potsu": "lo-fi",
    "knxwledge": "lo-fi", "bsd.u": "lo-fi", "elijah who": "lo-fi", "saib": "lo-fi",
    "chillhop music": "lo-fi", "philanthrope": "lo-fi", "jazzinuf": "lo-fi", "eevee": "lo-fi",
    # house
    "daft punk": "house", "kaytranada": "house", "fisher": "house", "chris lake": "house",
    "disclosure": "house", "fred again": "house", "fred again..": "house", "calvin harris": "house",
    "john summit": "house", "dom dolla": "house", "purple disco machine": "house",
    "frankie knuckles": "house", "larry heard": "house", "kerri chandler": "house",
    "peggy gou": "house", "black coffee": "house", "avicii": "house", "david guetta": "house",
    "martin garrix": "house", "swedish house mafia": "house", "mk": "house", "duke dumont": "house",
    "jamie jones": "house", "solomun": "house", "keinemusik": "house", "meduza": "house",
    # techno
    "jeff mills": "techno", "richie hawtin": "techno", "charlotte de witte": "techno",
    "amelie lens": "techno", "adam beyer": "techno", "carl cox": "techno", "nina kraviz": "techno",
    "ben klock": "techno", "marcel dettmann": "techno", "i hate models": "techno",
    "sara landry": "techno", "reinier zonneveld": "techno", "boris brejcha": "techno",
    "tale of us": "techno", "anyma": "techno", "kraftwerk": "techno", "underworld": "techno",
    "paula temple": "techno", "surgeon": "techno", "dax j": "techno",
    # drum-and-bass
    "chase and status": "drum-and-bass", "chase & status": "drum-and-bass",
    "pendulum": "drum-and-bass", "netsky": "drum-and-bass", "sub focus": "drum-and-bass",
    "andy c": "drum-and-bass", "goldie": "drum-and-bass", "noisia": "drum-and-bass",
    "camo and krooked": "drum-and-bass", "camo & krooked": "drum-and-bass",
    "wilkinson": "drum-and-bass", "dimension": "drum-and-bass", "hybrid minds": "drum-and-bass",
    "calibre": "drum-and-bass", "ltj bukem": "drum-and-bass", "roni size": "drum-and-bass",
    "high contrast": "drum-and-bass", "london elektricity": "drum-and-bass",
    "bou": "drum-and-bass", "culture shock": "drum-and-bass", "dj hype": "drum-and-bass",
    "aphex twin": "drum-and-bass", "squarepusher": "drum-and-bass", "venjent": "drum-and-bass",
    "nia archives": "drum-and-bass", "pinkpantheress": "drum-and-bass", "sammy virji": "house",
    # reggaeton
    "bad bunny": "reggaeton", "j balvin": "reggaeton", "daddy yankee": "reggaeton",
    "karol g": "reggaeton", "ozuna": "reggaeton", "anuel": "reggaeton", "anuel aa": "reggaeton",
    "rauw alejandro": "reggaeton", "feid": "reggaeton", "myke towers": "reggaeton",
    "don omar": "reggaeton", "nicky jam": "reggaeton", "maluma": "reggaeton",
    "rosalia": "reggaeton", "rosalía": "reggaeton", "tainy": "reggaeton", "sech": "reggaeton",
    "jhay cortez": "reggaeton", "jhayco": "reggaeton", "wisin": "reggaeton",
    "wisin y yandel": "reggaeton", "farruko": "reggaeton", "arcangel": "reggaeton",
    "peso pluma": "reggaeton", "young miko": "reggaeton", "mora": "reggaeton",
    # afrobeats
    "burna boy": "afrobeats", "burna": "afrobeats", "wizkid": "afrobeats", "davido": "afrobeats",
    "rema": "afrobeats", "tems": "afrobeats", "asake": "afrobeats", "ckay": "afrobeats",
    "omah lay": "afrobeats", "fireboy": "afrobeats", "fireboy dml": "afrobeats",
    "tiwa savage": "afrobeats", "ayra starr": "afrobeats", "kizz daniel": "afrobeats",
    "mr eazi": "afrobeats", "fela": "afrobeats", "fela kuti": "afrobeats", "tyla": "afrobeats",
    "p square": "afrobeats", "olamide": "afrobeats", "joeboy": "afrobeats", "j hus": "afrobeats",
    "not3s": "afrobeats", "kamo mphela": "afrobeats", "uncle waffles": "afrobeats",
    "seyi vibez": "afrobeats", "shallipopi": "afrobeats", "victony": "afrobeats",
    # rnb
    "sza": "rnb", "frank ocean": "rnb", "brent faiyaz": "rnb", "h.e.r.": "rnb",
    "summer walker": "rnb", "daniel caesar": "rnb", "bryson tiller": "rnb", "6lack": "rnb",
    "jhene aiko": "rnb", "jhené aiko": "rnb", "giveon": "rnb", "usher": "rnb", "aaliyah": "rnb",
    "chris brown": "rnb", "ne-yo": "rnb", "neyo": "rnb", "d'angelo": "rnb", "dangelo": "rnb",
    "erykah badu": "rnb", "lauryn hill": "rnb", "alicia keys": "rnb", "beyonce": "rnb",
    "beyoncé": "rnb", "kehlani": "rnb", "jorja smith": "rnb", "partynextdoor": "rnb",
    "party next door": "rnb", "tory lanez": "rnb", "ty dolla sign": "rnb", "ty dolla $ign": "rnb",
    "khalid": "rnb", "steve lacy": "rnb", "lucky daye": "rnb", "victoria monet": "rnb",
    "victoria monét": "rnb", "snoh aalegra": "rnb", "jeremih": "rnb", "tinashe": "rnb",
    "miguel": "rnb", "anderson paak": "rnb", "anderson .paak": "rnb",
    "mariah carey": "rnb", "brandy": "rnb", "destiny's child": "rnb", "tlc": "rnb",
    "jodeci": "rnb", "boyz ii men": "rnb", "dvsn": "rnb", "drake rnb": "rnb",
    # pop
    "taylor swift": "pop", "dua lipa": "pop", "ariana grande": "pop", "ariana": "pop",
    "ed sheeran": "pop", "billie eilish": "pop", "olivia rodrigo": "pop", "justin bieber": "pop",
    "bieber": "pop", "harry styles": "pop", "sabrina carpenter": "pop", "charli xcx": "pop",
    "lady gaga": "pop", "katy perry": "pop", "bruno mars": "pop", "max martin": "pop",
    "doja cat": "pop", "post malone": "pop", "shawn mendes": "pop", "selena gomez": "pop",
    "rihanna": "pop", "britney": "pop", "britney spears": "pop", "michael jackson": "pop",
    "madonna": "pop", "bts": "pop", "blackpink": "pop", "newjeans": "pop", "chappell roan": "pop",
    "lorde": "pop", "halsey": "pop", "camila cabello": "pop", "sia": "pop", "adele": "pop",
    "coldplay": "pop", "imagine dragons": "pop", "maroon 5": "pop", "benson boone": "pop",
    # synthwave
    "the weeknd": "synthwave", "weeknd": "synthwave", "kavinsky": "synthwave",
    "the midnight": "synthwave", "carpenter brut": "synthwave", "perturbator": "synthwave",
    "fm 84": "synthwave", "fm-84": "synthwave", "timecop1983": "synthwave", "gunship": "synthwave",
    "mitch murder": "synthwave", "lazerhawk": "synthwave", "college": "synthwave",
    "com truise": "synthwave", "m83": "synthwave", "tame impala": "synthwave",
    "depeche mode": "synthwave", "a-ha": "synthwave", "new order": "synthwave",
    "stranger things": "synthwave", "drive soundtrack": "synthwave", "vangelis": "synthwave",
    "blinding lights": "synthwave",
}
# Artist names that are also everyday words: they count only next to "type beat", "like",
# "style" or "vibe" ("future type beat" is trap; "a future classic" is not).
ARTISTS_NEEDING_CONTEXT: frozenset[str] = frozenset({
    "future", "metro", "travis", "drake", "nav", "doom", "dre", "mk", "college", "dimension",
    "surgeon", "offset", "takeoff", "wheezy", "dave", "bou", "sia", "mora", "fisher",
    "calibre", "pendulum", "underworld", "idealism", "alchemist", "the alchemist", "conway",
    "brandy", "usher", "southside", "premo", "ghosty", "eevee", "miguel", "burna", "uzi",
    "carti", "fivio", "youngboy", "tyla", "adele", "lorde", "sech", "fela", "dilla",
})

# --- tracks ------------------------------------------------------------------------------
# phrase -> the tracks it names. "drums" is a group; instrument words name a track too.
DRUM_GROUP: tuple[str, ...] = ("kick", "snare", "clap", "hats", "perc")
TRACK_ALIASES: dict[str, tuple[str, ...]] = {
    "kick": ("kick",), "kicks": ("kick",), "kick drum": ("kick",), "kick drums": ("kick",),
    "bass drum": ("kick",), "bd": ("kick",), "kik": ("kick",),
    "snare": ("snare",), "snares": ("snare",), "snare drum": ("snare",), "snr": ("snare",),
    "rimshot": ("snare",), "rimshots": ("snare",), "backbeat": ("snare",),
    "clap": ("clap",), "claps": ("clap",), "handclap": ("clap",), "handclaps": ("clap",),
    "hand claps": ("clap",), "snaps": ("clap",), "snap": ("clap",), "finger snaps": ("clap",),
    "hats": ("hats",), "hat": ("hats",), "hi hats": ("hats",), "hi hat": ("hats",),
    "hihats": ("hats",), "hihat": ("hats",), "high hats": ("hats",), "high hat": ("hats",),
    "hh": ("hats",), "hhs": ("hats",), "closed hats": ("hats",), "open hats": ("hats",),
    "hat pattern": ("hats",), "cymbals": ("hats",), "ride": ("hats",), "hi hat pattern": ("hats",),
    "perc": ("perc",), "percs": ("perc",), "percussion": ("perc",), "percussions": ("perc",),
    "congas": ("perc",), "conga": ("perc",), "bongos": ("perc",), "shaker": ("perc",),
    "shakers": ("perc",), "toms": ("perc",), "tom": ("perc",), "cowbell": ("perc",),
    "cowbells": ("perc",), "log drum": ("perc",), "log drums": ("perc",), "tambourine": ("perc",),
    "rim": ("perc",), "rims": ("perc",), "woodblock": ("perc",), "timbales": ("perc",),
    "bass": ("bass",), "bassline": ("bass",), "bass line": ("bass",), "basslines": ("bass",),
    "808": ("bass",), "808s": ("bass",), "sub": ("bass",), "subs": ("bass",),
    "sub bass": ("bass",), "low end": ("bass",), "bottom end": ("bass",), "reese": ("bass",), "reese bass": ("bass",),
    "synth bass": ("bass",), "bass guitar": ("bass",), "slides": ("bass",), "808 slides": ("bass",),
    "chords": ("chords",), "chord": ("chords",), "keys": ("chords",), "piano": ("chords",),
    "pianos": ("chords",), "rhodes": ("chords",), "epiano": ("chords",), "e piano": ("chords",),
    "electric piano": ("chords",), "organ": ("chords",), "organs": ("chords",),
    "stabs": ("chords",), "stab": ("chords",), "chord stabs": ("chords",), "harmony": ("chords",),
    "progression": ("chords",), "chord progression": ("chords",), "wurlitzer": ("chords",),
    "melody": ("melody",), "melodies": ("melody",), "lead": ("melody",), "leads": ("melody",),
    "synth lead": ("melody",), "topline": ("melody",), "bells": ("melody",), "bell": ("melody",),
    "pluck": ("melody",), "plucks": ("melody",), "arp": ("melody",), "arps": ("melody",),
    "arpeggio": ("melody",), "flute": ("melody",), "flutes": ("melody",), "marimba": ("melody",),
    "guitar": ("melody",), "guitars": ("melody",), "riff": ("melody",), "tune": ("melody",),
    "counter melody": ("melody",), "kalimba": ("melody",), "sax": ("melody",), "whistle": ("melody",),
    "mel": ("melody",), "melodic line": ("melody",), "lead synth": ("melody",),
    "pad": ("pad",), "pads": ("pad",), "strings": ("pad",), "string": ("pad",),
    "choir": ("pad",), "choirs": ("pad",), "atmosphere": ("pad",), "atmos": ("pad",),
    "ambience": ("pad",), "texture": ("pad",), "textures": ("pad",), "drone": ("pad",),
    "synth pad": ("pad",), "synth pads": ("pad",), "orchestra": ("pad",), "violins": ("pad",),
    "drums": DRUM_GROUP, "drum": DRUM_GROUP, "percs and drums": DRUM_GROUP,
    "drum kit": DRUM_GROUP, "kit": DRUM_GROUP, "rhythm section": DRUM_GROUP,

}
# Words that only sometimes name a track; they need an on/off word next to them to count.
WEAK_TRACK_WORDS: frozenset[str] = frozenset({"kit", "tune", "texture", "ride", "rim",
                                              "snap", "mel", "harmony", "progression", "riff"})

# instrument word -> (track, instrument name from presets.INSTRUMENTS)
INSTRUMENT_WORDS: dict[str, tuple[str, str]] = {
    "piano": ("chords", "piano"), "pianos": ("chords", "piano"), "rhodes": ("chords", "epiano"),
    "epiano": ("chords", "epiano"), "e piano": ("chords", "epiano"),
    "electric piano": ("chords", "epiano"), "wurlitzer": ("chords", "epiano"),
    "organ": ("chords", "organ"), "organs": ("chords", "organ"), "stabs": ("chords", "stab"),
    "stab": ("chords", "stab"), "chord stabs": ("chords", "stab"),
    "bells": ("melody", "bell"), "bell": ("melody", "bell"), "pluck": ("melody", "pluck"),
    "plucks": ("melody", "pluck"), "flute": ("melody", "flute"), "flutes": ("melody", "flute"),
    "marimba": ("melody", "marimba"), "kalimba": ("melody", "marimba"),
    "synth lead": ("melody", "lead"), "lead synth": ("melody", "lead"),
    "strings": ("pad", "strings"), "string": ("pad", "strings"), "violins": ("pad", "strings"),
    "orchestra": ("pad", "strings"), "choir": ("pad", "choir"), "choirs": ("pad", "choir"),
    "808": ("bass", "808"), "808s": ("bass", "808"), "sub": ("bass", "sub"),
    "sub bass": ("bass", "sub"), "reese": ("bass", "reese"), "reese bass": ("bass", "reese"),
    "synth bass": ("bass", "synth"), "congas": ("perc", "conga"), "conga": ("perc", "conga"),
    "shaker": ("perc", "shaker"), "shakers": ("perc", "shaker"), "cowbell": ("perc", "cowbell"),
    "cowbells": ("perc", "cowbell"), "log drum": ("perc", "log-drum"),
    "log drums": ("perc", "log-drum"), "toms": ("perc", "tom"), "tom": ("perc", "tom"),
    "rim": ("perc", "rim"), "rims": ("perc", "rim"), "rimshot": ("snare", "rim"),
    "rimshots": ("snare", "rim"),
}

# Sampled instruments (generation.engine.banks): phrase -> (track, sampled instrument). A kit
# named on one drum track plays on every track it has pieces for. These win over the synth
# words above ("rhodes"); without the bank the synth fallback plays and the reply says so.
SAMPLED_INSTRUMENT_WORDS: dict[str, tuple[str, str]] = {
    "real piano": ("chords", "grand-piano"), "real pianos": ("chords", "grand-piano"),
    "acoustic piano": ("chords", "grand-piano"), "grand piano": ("chords", "grand-piano"),
    "rhodes": ("chords", "rhodes"), "fender rhodes": ("chords", "rhodes"),
    "acoustic drums": ("kick", "acoustic-kit"), "real drums": ("kick", "acoustic-kit"),
    "live drums": ("kick", "acoustic-kit"), "acoustic kit": ("kick", "acoustic-kit"),
    "drum machine": ("kick", "sampled-808"), "808 from a drum machine": ("kick", "sampled-808"),
    "808 kick from a drum machine": ("kick", "sampled-808"),
    "real strings": ("pad", "sampled-strings"), "string section": ("pad", "sampled-strings"),
    "orchestral strings": ("pad", "sampled-strings"),
    "nylon guitar": ("chords", "nylon-guitar"), "acoustic guitar": ("chords", "nylon-guitar"),
    "vibraphone": ("melody", "vibraphone"), "upright bass": ("bass", "upright-bass"),
    "double bass": ("bass", "upright-bass"),
}
INSTRUMENT_WORDS.update(SAMPLED_INSTRUMENT_WORDS)
TRACK_ALIASES.update({
    phrase: DRUM_GROUP if inst.endswith("-kit") else (track,)
    for phrase, (track, inst) in SAMPLED_INSTRUMENT_WORDS.items()
    if phrase not in TRACK_ALIASES
})
TRACK_ALIASES["808 from a drum machine"] = ("kick",)
TRACK_ALIASES["808 kick from a drum machine"] = ("kick",)

# Words that name something the engine has no track for; the reply says so.
UNSUPPORTED_TRACK_WORDS: frozenset[str] = frozenset({
    "vocals", "vocal", "vox", "voice", "voices", "singing", "lyrics", "rap verse", "adlibs",
    "vocal chops", "sample", "samples", "fx", "risers", "sfx",
})

# --- verbs and markers for track on/off ---------------------------------------------------
TRACK_OFF_WORDS: tuple[str, ...] = (
    "no", "without", "w/o", "remove", "drop", "mute", "kill", "cut", "lose", "take out",
    "take away", "take off", "get rid of", "delete", "turn off", "switch off", "disable",
    "ditch", "minus", "silence", "scrap", "skip", "nix", "axe", "leave out", "no more",
    "lose the", "pull", "pull out", "strip out", "eliminate", "exclude", "kick out", "muted",
    "removed", "dropped", "none", "stop", "don't want", "dont want", "do not want", "hate",
    "don't need", "dont need", "zero", "less of", "shut off", "cancel", "erase", "toss", "not",
    "take it out", "take them out", "take those out", "turn it off", "turn them off",
    "switch it off", "pull it out", "get rid of it", "get rid of them",
)
TRACK_ON_WORDS: tuple[str, ...] = (
    "add", "bring back", "bring in", "bring", "put back", "put in", "put", "unmute",
    "turn on", "switch on", "enable", "include", "with", "plus", "throw in", "throw",
    "give it", "need", "want", "re add", "readd", "restore", "layer", "and some", "some",
    "needs", "wants", "gimme", "using", "feature", "featuring", "use", "keep", "add back",
    "more", "added", "have", "got", "let's hear", "lets hear", "i want", "toss in",
)
# Words after a track name that switch it on or off ("melody back", "hats off").
TRACK_ON_AFTER: tuple[str, ...] = ("back", "in", "on", "back in", "back on")
TRACK_OFF_AFTER: tuple[str, ...] = ("off", "out", "gone", "away", "muted", "removed", "outta",
                                    "on mute", "mute", "gotta go", "must go", "can go",
                                    "should go")
TRACK_ONLY_WORDS: tuple[str, ...] = (
    "just", "only", "nothing but", "strip it down to", "strip it back to", "strip down to",
    "only keep", "keep only", "just the", "only the", "leave only",
    "leave just", "nothing except",
)
EXCEPT_WORDS: tuple[str, ...] = ("except", "but", "apart from", "other than", "besides", "save")
EVERYTHING_WORDS: tuple[str, ...] = ("everything", "all", "all tracks", "all the tracks",
                                     "every track", "everything else", "all instruments",
                                     "the rest", "all the instruments")

# --- moods -------------------------------------------------------------------------------
# word -> (mood stored on the spec, mode hint or None, energy delta)
MOODS: dict[str, tuple[str, str | None, float]] = {
    "dark": ("dark", "minor", 0.0), "darker": ("dark", "minor", 0.0),
    "sad": ("sad", "minor", -0.1), "sadder": ("sad", "minor", -0.1),
    "melancholic": ("melancholic", "minor", -0.1), "melancholy": ("melancholic", "minor", -0.1),
    "emotional": ("emotional", "minor", -0.05), "emo": ("emotional", "minor", 0.0),
    "moody": ("moody", "minor", 0.0), "moodier": ("moody", "minor", 0.0),
    "eerie": ("eerie", "minor", 0.0), "creepy": ("eerie", "minor", 0.0),
    "spooky": ("eerie", "minor", 0.0), "haunting": ("haunting", "minor", 0.0),
    "haunted": ("haunting", "minor", 0.0), "sinister": ("sinister", "minor", 0.1),
    "evil": ("sinister", "minor", 0.1), "menacing": ("menacing", "minor", 0.15),
    "ominous": ("ominous", "minor", 0.0), "mysterious": ("mysterious", "minor", 0.0),
    "gloomy": ("dark", "minor", -0.05), "grimy": ("gritty", "minor", 0.1),
    "gritty": ("gritty", None, 0.1), "hard": ("hard", None, 0.2), "harder": ("hard", None, 0.2),
    "aggressive": ("aggressive", "minor", 0.25), "angry": ("aggressive", "minor", 0.25),
    "violent": ("aggressive", "minor", 0.25), "heavy": ("heavy", None, 0.15),
    "hype": ("hype", None, 0.25), "hyped": ("hype", None, 0.25), "energetic": ("energetic", None, 0.25),
    "bouncy": ("bouncy", None, 0.15), "bouncier": ("bouncy", None, 0.15),
    "epic": ("epic", None, 0.2), "cinematic": ("cinematic", None, 0.05),
    "triumphant": ("triumphant", "major", 0.2), "uplifting": ("uplifting", "major", 0.1),
    "happy": ("happy", "major", 0.1), "happier": ("happy", "major", 0.1),
    "joyful": ("happy", "major", 0.1), "cheerful": ("happy", "major", 0.1),
    "upbeat": ("upbeat", "major", 0.15), "feel good": ("happy", "major", 0.1),
    "feelgood": ("happy", "major", 0.1), "summery": ("summery", "major", 0.1),
    "summer": ("summery", "major", 0.1), "sunny": ("summery", "major", 0.1),
    "tropical": ("tropical", "major", 0.1), "bright": ("bright", "major", 0.05),
    "brighter": ("bright", "major", 0.05), "hopeful": ("hopeful", "major", 0.0),
    "romantic": ("romantic", None, -0.1), "sexy": ("sensual", None, -0.1),
    "sensual": ("sensual", None, -0.1), "smooth": ("smooth", None, -0.1),
    "chill": ("chill", None, -0.15), "chilled": ("chill", None, -0.15), "chiller": ("chill", None, -0.15),
    "relaxed": ("chill", None, -0.15), "relaxing": ("chill", None, -0.15), "calm": ("calm", None, -0.2),
    "mellow": ("mellow", None, -0.15), "laid back": ("laid back", None, -0.15),
    "laidback": ("laid back", None, -0.15), "peaceful": ("calm", None, -0.2),
    "soothing": ("calm", None, -0.2), "cozy": ("cozy", None, -0.15), "cosy": ("cozy", None, -0.15),
    "dreamy": ("dreamy", None, -0.1), "ethereal": ("ethereal", None, -0.1),
    "spacey": ("spacey", None, -0.05), "spacy": ("spacey", None, -0.05), "spaced out": ("spacey", None, -0.05),
    "cosmic": ("spacey", None, -0.05), "floaty": ("dreamy", None, -0.1),
    "atmospheric": ("atmospheric", None, -0.05), "ambient": ("ambient", None, -0.2),
    "hypnotic": ("hypnotic", None, 0.0), "trippy": ("trippy", None, 0.0), "psychedelic": ("trippy", None, 0.0),
    "nostalgic": ("nostalgic", None, -0.05), "retro": ("retro", None, 0.0), "soul": ("soulful", None, -0.05),
    "clubby": ("groovy", None, 0.15), "club ready": ("groovy", None, 0.15), "acid": ("acid", None, 0.1), "jazzy": ("jazzy", None, -0.05),
    "soulful": ("soulful", None, -0.05), "funky": ("funky", None, 0.1), "groovy": ("groovy", None, 0.1),
    "dusty": ("dusty", None, -0.05), "gloomier": ("dark", "minor", -0.05),
    "cold": ("cold", "minor", 0.0), "icy": ("cold", "minor", 0.0), "lush": ("lush", None, -0.05),
    "warm": ("warm", None, -0.05), "warmer": ("warm", None, -0.05), "late night": ("late night", "minor", -0.1),
    "night": ("late night", "minor", -0.1), "rainy": ("rainy", "minor", -0.15),
    "lonely": ("lonely", "minor", -0.1), "heartbreak": ("heartbreak", "minor", -0.1),
    "heartbroken": ("heartbreak", "minor", -0.1), "painful": ("sad", "minor", -0.1),
    "depressing": ("sad", "minor", -0.15), "crazy": ("hype", None, 0.25), "wild": ("hype", None, 0.25),
    "intense": ("intense", None, 0.25), "driving": ("driving", None, 0.15),
    "futuristic": ("futuristic", None, 0.05), "minimalist": ("minimal", None, -0.1),
    "sparse": ("sparse", None, -0.1), "bumping": ("bouncy", None, 0.15), "slapping": ("hard", None, 0.2),
    "dreamier": ("dreamy", None, -0.1), "sexier": ("sensual", None, -0.1), "spacier": ("spacey", None, -0.05),
    "eerier": ("eerie", "minor", 0.0), "creepier": ("eerie", "minor", 0.0), "spookier": ("eerie", "minor", 0.0),
    "funkier": ("funky", None, 0.1), "jazzier": ("jazzy", None, -0.05), "dustier": ("dusty", None, -0.05),
    "grittier": ("gritty", None, 0.1), "grimier": ("gritty", "minor", 0.1), "colder": ("cold", "minor", 0.0),
    "smoother": ("smooth", None, -0.1), "lusher": ("lush", None, -0.05), "heavier": ("heavy", None, 0.15),
    "slap": ("hard", None, 0.2), "slaps": ("hard", None, 0.2), "knock": ("hard", None, 0.2),
    "knocks": ("hard", None, 0.2), "bang": ("hard", None, 0.2), "bangs": ("hard", None, 0.2),
    "banging": ("hard", None, 0.2),
}

# Mood words that also choose the mode on an existing beat ("happier" -> major); the other
# moods only suggest a mode for a new beat.
STRONG_MODE_MOODS: frozenset[str] = frozenset({
    "dark", "darker", "sad", "sadder", "happy", "happier", "melancholic", "melancholy",
    "uplifting", "cheerful", "joyful", "feel good", "feelgood", "depressing", "gloomy",
    "gloomier", "heartbreak", "heartbroken", "moodier",
})

# Mood (or occasion) -> genre, for "make me something chill" with no genre named.
MOOD_GENRES: dict[str, str] = {
    "dark": "trap", "sad": "trap", "melancholic": "lo-fi", "emotional": "rnb", "moody": "rnb",
    "eerie": "drill", "haunting": "drill", "sinister": "drill", "menacing": "drill",
    "ominous": "drill", "mysterious": "drill", "gritty": "drill", "hard": "trap",
    "aggressive": "drill", "heavy": "trap", "hype": "trap", "energetic": "house",
    "bouncy": "afrobeats", "epic": "trap", "cinematic": "synthwave", "triumphant": "pop",
    "uplifting": "pop", "happy": "pop", "upbeat": "pop", "summery": "afrobeats",
    "tropical": "reggaeton", "bright": "pop", "hopeful": "pop", "romantic": "rnb",
    "sensual": "rnb", "smooth": "rnb", "chill": "lo-fi", "calm": "lo-fi", "mellow": "lo-fi",
    "laid back": "lo-fi", "cozy": "lo-fi", "dreamy": "lo-fi", "ethereal": "synthwave",
    "spacey": "synthwave", "atmospheric": "drum-and-bass", "ambient": "lo-fi",
    "hypnotic": "techno", "trippy": "techno", "nostalgic": "synthwave", "jazzy": "lo-fi",
    "soulful": "rnb", "funky": "house", "groovy": "house", "cold": "drill",
    "lush": "rnb", "warm": "lo-fi", "late night": "rnb", "rainy": "lo-fi", "lonely": "lo-fi",
    "heartbreak": "rnb", "intense": "drum-and-bass", "driving": "techno",
    "futuristic": "synthwave", "minimal": "techno", "sparse": "trap",
}
# Occasions -> genre ("beat for studying", "gym music").
OCCASION_GENRES: dict[str, str] = {
    "study": "lo-fi", "studying": "lo-fi", "homework": "lo-fi", "focus": "lo-fi",
    "reading": "lo-fi", "sleep": "lo-fi", "sleeping": "lo-fi", "coffee": "lo-fi",
    "cafe": "lo-fi", "coding": "lo-fi", "rain": "lo-fi", "relax": "lo-fi", "relaxing": "lo-fi",
    "gym": "trap", "workout": "trap", "lifting": "trap", "hype": "trap",
    "party": "house", "club": "house", "dancefloor": "house", "dance floor": "house",
    "festival": "house", "beach": "afrobeats", "pool party": "afrobeats",
    "running": "drum-and-bass", "racing": "drum-and-bass", "driving at night": "synthwave",
    "night drive": "synthwave", "road trip": "pop", "arcade": "synthwave",
    "video game": "synthwave", "retro game": "synthwave", "rave": "techno",
    "warehouse": "techno", "date night": "rnb", "bedroom": "rnb", "slow dance": "rnb",
    "cypher": "boom-bap", "freestyle": "boom-bap", "battle": "boom-bap",
    "tiktok": "pop", "radio": "pop", "wedding": "pop",
}

# "90s", "the eighties": the decade's digit or word -> genre.
DECADE_GENRES: dict[str, str] = {
    "5": "boom-bap", "6": "rnb", "7": "house", "8": "synthwave", "9": "boom-bap",
    "fifties": "boom-bap", "sixties": "rnb", "seventies": "house", "eighties": "synthwave",
    "nineties": "boom-bap",
}

# --- numbers -----------------------------------------------------------------------------
UNIT_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}

# --- typos and spelling variants -----------------------------------------------------------
# Whole-word replacements applied before parsing; fuzzy matching covers other one-letter slips.
TYPOS: dict[str, str] = {
    "sekunden": "seconds", "segundos": "seconds", "sekunde": "seconds",
    "minuten": "minutes", "minutos": "minutes", "takte": "bars", "compases": "bars",
    "mesures": "bars", "compassos": "bars",
    "bmp": "bpm", "bpms": "bpm", "pbm": "bpm", "bps": "bpm", "bpn": "bpm", "bmp's": "bpm",
    "tempos": "tempo", "temp": "tempo",
    "fater": "faster", "fastr": "faster", "fastter": "faster", "faser": "faster",
    "quicker": "faster", "speedier": "faster", "slowr": "slower", "slwoer": "slower",
    "slowwer": "slower", "sloer": "slower", "slowe": "slower",
    "melodie": "melody", "meldoy": "melody", "mellody": "melody", "melodey": "melody",
    "melo": "melody", "melodys": "melodies", "drumz": "drums", "drumms": "drums",
    "hihatz": "hihats", "hatz": "hats", "snarez": "snares", "kicks": "kicks",
    "trapp": "trap", "dril": "drill", "drilll": "drill", "lofy": "lofi", "loffi": "lofi",
    "lofii": "lofi", "boombapp": "boombap", "tecno": "techno", "teckno": "techno",
    "tekno": "techno", "hous": "house", "reggae": "reggaeton", "raggeton": "reggaeton",
    "regeton": "reggaeton", "reggeton": "reggaeton", "afrobeatz": "afrobeats",
    "synthwve": "synthwave", "synthewave": "synthwave", "rnbb": "rnb", "randb": "rnb",
    "minr": "minor", "mnor": "minor", "mior": "minor", "minro": "minor", "majr": "major",
    "mjor": "major", "majro": "major", "shrap": "sharp", "sharpe": "sharp",
    "swnig": "swing", "swign": "swing", "swingy": "swung", "swingier": "swung",
    "secs": "seconds", "sec": "seconds", "secconds": "seconds", "seconts": "seconds",
    "minuets": "minutes", "minuts": "minutes", "mins": "minutes", "min": "minutes",
    "minits": "minutes", "mns": "minutes", "lenght": "length", "legnth": "length",
    "lengh": "length", "lenth": "length", "longr": "longer", "shortr": "shorter",
    "expot": "export", "exprot": "export", "exort": "export", "downlaod": "download",
    "dowload": "download", "donwload": "download", "downlod": "download",
    "stemz": "stems", "steams": "stems", "stemms": "stems", "midis": "midi",
    "undoo": "undo", "udno": "undo", "unod": "undo", "reod": "redo", "revrt": "revert",
    "pls": "please", "plz": "please", "plez": "please", "thx": "thanks",
    "u": "you", "ur": "your", "w/": "with", "wit": "with", "tha": "the",
    "dwn": "down", "hw": "how", "evrything": "everything", "everthing": "everything",
    "evrythin": "everything", "everythin": "everything", "da": "the", "dat": "that", "dis": "this", "gimme": "give me", "lemme": "let me",
    "wanna": "want to", "gonna": "going to", "kinda": "kind of", "sorta": "sort of",
    "abit": "a bit", "alil": "a little", "bpm's": "bpm",
    "hiphop": "hip hop", "hip-hop": "hip hop", "dnb's": "dnb", "temo": "tempo",
    "tempp": "tempo", "peice": "piece", "beet": "beat", "beatz": "beats", "beatt": "beat",
    "tho": "though", "rn": "right now", "nah": "nah", "naw": "nah", "nope": "nah",
    "instrumentel": "instrumental", "percusion": "percussion", "persussion": "percussion",
    "pecussion": "percussion", "claps": "claps", "clapz": "claps", "baseline": "bassline",
    "base line": "bass line", "sythwave": "synthwave", "synthwav": "synthwave",
    "varation": "variation", "varition": "variation", "agian": "again", "agin": "again",
    "tripplet": "triplet", "triplett": "triplet", "trippets": "triplets", "tripets": "triplets",
    "swung": "swung", "shufle": "shuffle", "hyper": "hype", "vibe": "vibe",
    "bels": "bells", "belz": "bells", "kik": "kick", "kck": "kick", "snre": "snare",
    "snar": "snare", "hts": "hats", "clp": "clap", "keyz": "keys",
}
# Two letters swapped in the short command words ("slwo", "hwo", "mkae", "udno"): the fuzzy
# pass corrects only words of five letters or more, where one slip rarely makes another word.
# The first letter is kept, and swaps that are words of their own are left alone.
_SHORT_COMMAND_WORDS = ("slow", "fast", "how", "what", "undo", "redo", "down", "mute", "solo",
                        "drop", "make", "more", "less", "bass", "kick", "hats", "keys", "midi",
                        "beat", "loop", "song", "long")  # fmt: skip
_SWAPS_THAT_ARE_WORDS = frozenset({"fats", "hast", "beta", "snog"})
for _word in _SHORT_COMMAND_WORDS:
    for _i in range(1, len(_word) - 1):
        _swapped = _word[:_i] + _word[_i + 1] + _word[_i] + _word[_i + 2 :]
        if _swapped != _word and _swapped not in _SWAPS_THAT_ARE_WORDS:
            TYPOS.setdefault(_swapped, _word)

# Words the fuzzy typo matcher may correct to (long, distinctive vocabulary only).
FUZZY_TARGETS: tuple[str, ...] = (
    "faster", "slower", "melody", "drums", "hihats", "snare", "claps", "percussion",
    "chords", "strings", "bassline", "swing", "minor", "major", "sharp", "seconds", "minutes",
    "longer", "shorter", "export", "download", "stems", "revert", "reggaeton", "afrobeats",
    "synthwave", "techno", "house", "drill", "lofi", "boombap", "triplet", "triplets",
    "tempo", "energy", "version", "remove", "without", "double", "length", "bring",
    "chillhop", "jungle", "instrumental", "variation", "another", "different", "piano",
    "mute", "unmute", "delete", "twice", "quarter", "eighth", "sixteenth", "melodies",
    "aggressive", "spacey", "dreamy", "atmospheric", "shuffle", "straight", "quantize",
)
# Common words that look like a typo of a FUZZY_TARGET but are not ("father" is not "faster").
FUZZY_STOPWORDS: frozenset[str] = frozenset({
    "father", "master", "matter", "faster", "sister", "poster", "monitor", "mirror", "lower",
    "flower", "slowly", "slower", "shower", "brings", "drama", "drams", "dream", "dreams",
    "mellow", "meadow", "minors", "manor", "mayor", "shard", "share", "shape", "sharps",
    "stem", "steam", "items", "swine", "swings", "tempt", "temps", "horse", "hours", "mouse",
    "douse", "louse", "drills", "grill", "lifo", "loft", "boom", "exports", "longs", "seconds",
    "second", "minute", "minutes", "snake", "snarl", "pianos", "remote", "remove", "rem",
    "double", "doubts", "energy", "tripled", "triple", "twice", "quarters", "bring", "brink",
    "length", "lengths", "strange", "stringy", "string", "chord", "chorus", "choral",
    "version", "versions", "person", "persons", "variation", "another", "different",
    "shuffle", "straight", "mutes", "minus", "music", "muse", "stems", "dreamy", "spacey",
    "jungles", "jingle", "junk", "juggle", "mates", "meter", "meters", "tempos",
    "major", "majors", "minor", "sharp", "swing", "house", "houses", "hose", "mute",
    "claps", "clasp", "slaps", "swingers", "bass", "base", "mode", "model", "modern",
    "steps", "stars", "stats", "stores", "stops", "seems", "stews", "stamps", "notes",
    "tones", "hates", "dates", "expert", "reverb", "revere", "reverse", "being", "spaces",
    "clips", "class", "spare", "stare", "scare", "snore", "score", "shore", "sting", "sling",
    "drugs", "miner", "eights", "weight", "strong", "sharing", "shared", "shares", "seem",
    "timer", "bringer", "tempest", "temple", "mutual", "dreamt",
    "spicy", "spacer", "stern", "chose", "chore", "chores", "drank", "drunk", "drown", "drops", "dropped", "worse", "maybe", "melon",
    "loner", "lounge", "shorten", "twine", "trouble", "doubly", "removal",
    "mighty", "eighty", "thirty", "forty", "fifty", "sixty", "seventy", "ninety", "twenty",
    "seven", "eleven", "twelve", "three", "sixteen", "fifteen", "eighteen", "space",
})

# Frequent function words of other Latin-script languages; two or more and nothing understood
# means the user is not writing English.
FOREIGN_WORDS: frozenset[str] = frozenset({
    "el", "los", "las", "una", "por", "favor", "hazme", "quiero", "ritmo", "haz", "que", "del",
    "con", "muy", "más", "mas", "para", "lento", "rápido", "canción", "les", "une", "avec",
    "moi", "fais", "fait", "je", "veux", "pour", "plus", "très", "ich", "und", "mit", "bitte",
    "eine", "einen", "machen", "schneller", "langsamer", "ist", "nicht", "das", "der", "die",
    "faça", "uma", "batida", "não", "você", "mais", "vorrei", "fammi", "della", "più",
    "een", "maak", "het", "niet", "och", "jag", "vill", "göra", "lütfen", "bir",
})

# Tempo and amount directions in Spanish, Portuguese, French, German and Italian, as the English
# words the parser reads ("más rápido" -> "faster"); "10 de plus" -> "10 more".
FOREIGN_DIRECTIONS: dict[str, str] = {
    "más rápido": "faster", "mas rapido": "faster", "más rapido": "faster",
    "mas rápido": "faster", "más lento": "slower", "mas lento": "slower",
    "más despacio": "slower", "mas despacio": "slower", "más lenta": "slower",
    "más rápida": "faster", "mais rápido": "faster", "mais rapido": "faster",
    "mais devagar": "slower", "mais lento": "slower", "plus vite": "faster",
    "plus rapide": "faster", "plus lent": "slower", "plus lente": "slower",
    "plus lentement": "slower", "schneller": "faster", "langsamer": "slower",
    "più veloce": "faster", "piu veloce": "faster", "più lento": "slower",
    "piu lento": "slower", "più rapido": "faster", "piu rapido": "faster",
    "mehr": "more", "weniger": "less", "de plus": "more", "de moins": "less",
    "en plus": "more", "en moins": "less", "a menos": "less", "de menos": "less",
    "a más": "more", "de más": "more", "a mais": "more", "in più": "more", "in meno": "less",
    "quita el": "drop the", "quita la": "drop the", "quita los": "drop the",
    "quita las": "drop the", "quítale el": "drop the", "quítale la": "drop the",
    "saca el": "drop the", "saca la": "drop the", "saca los": "drop the",
    "enlève le": "drop the", "enlève la": "drop the", "enlève les": "drop the",
    "tira o": "drop the", "tira a": "drop the", "tira os": "drop the",
    "sube el tempo": "up the tempo", "súbele el tempo": "up the tempo",
    "baja el tempo": "down the tempo", "bájale el tempo": "down the tempo",
    "sube el bpm": "up the tempo", "baja el bpm": "down the tempo",
    # The tracks most named in other languages.
    "melodía": "melody", "melodia": "melody", "mélodie": "melody", "melodie": "melody",
    "batería": "drums", "bateria": "drums", "batterie": "drums", "schlagzeug": "drums",
    "basse": "bass", "acordes": "chords", "accords": "chords", "akkorde": "chords",
    "sin melodía": "no melody", "sin melodia": "no melody", "sin batería": "no drums",
    "sin bateria": "no drums", "sem melodia": "no melody", "sem bateria": "no drums",
    "sans mélodie": "no melody", "sans melodie": "no melody", "sans batterie": "no drums",
    "ohne melodie": "no melody", "ohne schlagzeug": "no drums", "plus de basse": "more bass",
}
# Spanish step verbs before a number ("quita 10", "sube 5 bpm"): the English step words.
FOREIGN_STEP_VERBS: dict[str, str] = {
    "quita": "minus", "quítale": "minus", "quitale": "minus", "resta": "minus",
    "réstale": "minus", "restale": "minus", "baja": "down", "bájale": "down",
    "bajale": "down", "sube": "up", "súbele": "up", "subele": "up", "aumenta": "up",
    "tira": "minus", "enlève": "minus", "enleve": "minus",
}

# --- action phrases ------------------------------------------------------------------------
EXPORT_FORMATS: dict[str, str] = {
    "stems": "stems", "stem": "stems", "stem files": "stems", "multitrack": "stems",
    "multitracks": "stems", "multi track": "stems", "multi tracks": "stems",
    "separate tracks": "stems", "individual tracks": "stems", "trackouts": "stems",
    "track outs": "stems", "trackout": "stems", "separated tracks": "stems", "stem pack": "stems",
    "each track": "stems", "tracks separately": "stems", "split tracks": "stems",
    "midi": "midi", "midi file": "midi", "midi files": "midi", "mid file": "midi",
    ".mid": "midi", "the notes": "midi", "notes file": "midi",
    "wav": "wav", "wave": "wav", "wav file": "wav", ".wav": "wav", "wavs": "wav",
    "lossless": "wav", "uncompressed": "wav", "master": "wav", "the master": "wav",
    "mp3": "mp3", "mp3s": "mp3", ".mp3": "mp3", "mp 3": "mp3", "mpeg": "mp3",
    "audio file": "wav", "audio": "wav", "files": "wav", "the files": "wav",
    "all the files": "stems", "all files": "stems", "every file": "stems",
    "split it out": "stems", "split it up": "stems", "split out": "stems",
    "split the tracks": "stems", "split the parts": "stems", "separate parts": "stems",
    "each part": "stems", "every part": "stems", "each instrument": "stems",
    "every instrument": "stems", "each sound": "stems", "separate files": "stems",
    "individual parts": "stems", "parts separately": "stems", "separated": "stems",
    "stemmed out": "stems", "stem it out": "stems", "stems out": "stems",
    "the parts": "stems", "mix it myself": "stems", "mix it my self": "stems",
    "mix them myself": "stems", "mix it on my own": "stems", "mix each part": "stems",
}
# fmt: on
