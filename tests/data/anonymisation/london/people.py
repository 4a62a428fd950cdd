"""The London corpus's register: who is in it, and the names that are not.

Names are chosen by hand from the communities of a south London borough (Yoruba, Igbo,
Akan, Somali, Eritrean, Bengali, Turkish, Polish, Portuguese, Colombian, Vietnamese,
Jamaican, Irish, English), not drawn from Faker: Faker's en_GB names are the ones the
shipped first-name list was built from, and measuring on them would flatter it.
Registered and unregistered pools are disjoint, so an unregistered name can only be
caught by a rule, never by the register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

# (first, surname) pools for registered people, by community.
COMMUNITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "yoruba": (
        ("Adebayo", "Temitayo", "Oluwaseun", "Babajide", "Abimbola", "Ayodele", "Damilola"),
        ("Adeyemi", "Ogunleye", "Akinola", "Afolabi", "Oladipo", "Balogun"),
    ),
    "igbo": (
        ("Chidi", "Chiamaka", "Ngozi", "Obinna", "Adaeze", "Emeka", "Chinonso", "Nneka"),
        ("Okonjo", "Okafor", "Nwosu", "Eze", "Nwankwo", "Chukwu"),
    ),
    "akan": (
        ("Kwame", "Akosua", "Yaw", "Abena", "Efua", "Kojo", "Adjoa"),
        ("Mensah", "Boateng", "Asante", "Owusu", "Appiah", "Frimpong"),
    ),
    "somali": (
        ("Abdirahman", "Hodan", "Ayaan", "Farhiya", "Ilhan", "Sagal", "Najma", "Khadra"),
        ("Warsame", "Abdullahi", "Farah", "Jama", "Egal", "Hirsi"),
    ),
    "eritrean": (
        ("Yonas", "Senait", "Semhar", "Dawit", "Winta", "Filmon", "Mebrat", "Merhawi"),
        ("Tesfamariam", "Ghebremedhin", "Kidane", "Berhane", "Woldemichael", "Habte"),
    ),
    "bengali": (
        ("Sumon", "Tahmina", "Rafiq", "Nusrat", "Arif", "Shirin", "Farhana", "Tanvir"),
        ("Rahman", "Uddin", "Chowdhury", "Miah", "Hossain", "Khatun"),
    ),
    "turkish": (
        ("Emre", "Elif", "Zeynep", "Mehmet", "Ayşe", "Burak", "Kerem", "İlayda"),
        ("Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Öztürk"),
    ),
    "polish": (
        ("Marek", "Kasia", "Zofia", "Wiktor", "Agnieszka", "Tomasz", "Małgorzata", "Jakub"),
        ("Kowalczyk", "Nowak", "Wiśniewska", "Zieliński", "Lewandowska", "Wójcik"),
    ),
    "portuguese": (
        ("João", "Inês", "Tiago", "Beatriz", "Leonor", "Duarte", "Gonçalo"),
        ("Ferreira", "Sousa", "Carvalho", "Rodrigues", "Gonçalves", "Marques"),
    ),
    "colombian": (
        ("Valentina", "Santiago", "Camila", "Andrés", "Juliana", "Mateo", "Sebastián"),
        ("Restrepo", "Ospina", "Cárdenas", "Rincón", "Jaramillo", "Quintero"),
    ),
    "vietnamese": (
        ("Linh", "Minh", "Huong", "Thanh", "Trang", "Phuong", "Bao"),
        ("Nguyen", "Tran", "Pham", "Hoang", "Dang", "Bui"),
    ),
    "jamaican": (
        ("Shanice", "Tyrone", "Kemar", "Shantelle", "Delroy", "Jermaine", "Tanisha", "Keisha"),
        ("Campbell", "Clarke", "McKenzie", "Grant", "Francis", "Henry"),
    ),
    "irish": (
        ("Siobhán", "Ciarán", "Niamh", "Aoife", "Padraig", "Róisín", "Eoin", "Orla"),
        ("O'Sullivan", "Brennan", "Kavanagh", "McCarthy", "Doyle", "Fitzgerald"),
    ),
    "english": (
        ("Oliver", "Amelia", "Poppy", "Harry", "Lily", "George", "Evie", "Alfie"),
        ("Whitfield", "Barnes", "Hughes", "Cooper", "Marsh", "Fletcher"),
    ),
}

# Registered people whose name is also an ordinary word: (first, surname, kind). The
# word part is the hard case both ways: "Hope said" is a name, "no hope" is not.
WORD_NAME_PEOPLE = (
    ("Hope", "Adeyemi", "child"),
    ("Grace", "Mensah", "child"),
    ("Will", "Brennan", "child"),
    ("May", "Tran", "child"),
    ("Precious", "Okafor", "child"),
    ("Blessing", "Nwosu", "child"),
    ("Favour", "Balogun", "child"),
    ("Summer", "Clarke", "child"),
    ("Joy", "Rahman", "child"),
    ("Long", "Pham", "child"),
    ("Faith", "Campbell", "child"),
    ("Rose", "Doyle", "child"),
    ("Can", "Yılmaz", "child"),
    ("Patience", "Boateng", "parent"),
    ("Mercy", "Asante", "parent"),
    ("Marcia", "King", "parent"),
    ("Mark", "Young", "practitioner"),
    ("June", "Whitfield", "practitioner"),
)
WORD_NAMES = frozenset(
    {"hope", "grace", "will", "may", "precious", "blessing", "favour", "summer", "joy"}
    | {"long", "faith", "rose", "can", "patience", "mercy", "king", "mark", "young", "june"}
)

SCHOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (registered full name, short forms people use that the register lacks)
    ("Ashgrove Academy Nunhead", ("Ashgrove", "Ashgrove Nunhead", "Ashgrove Academy")),
    ("The Lindenfield School", ("the Lindenfield", "Lindenfield", "Lindenfield School")),
    ("Heronsgate Primary School", ("Heronsgate", "Heronsgate Primary")),
    ("Copperbeech Academy", ("Copperbeech", "Copperbeech Acad")),
    ("Our Lady of Hope RC Primary School", ("Our Lady of Hope", "Our Lady's")),
    ("St Bartholomew's CE Primary School", ("St Bartholomew's", "St Bart's")),
    ("Kestrelmead Primary School", ("Kestrelmead", "Kestrelmead Primary")),
    ("Bellfield Park Academy", ("Bellfield Park", "Bellfield")),
    ("Rotherby Hill Secondary School", ("Rotherby Hill", "Rotherby")),
    ("Elmcroft Primary School", ("Elmcroft", "Elmcroft Primary")),
    ("The Dunmore Academy", ("the Dunmore", "Dunmore")),
    ("Sumner Fields Primary School", ("Sumner Fields", "Sumner Fields Primary")),
    ("Greenacre College Peckham", ("Greenacre", "Greenacre Peckham")),
)
UNREGISTERED_SCHOOLS = (
    "Thornlea Academy",
    "Wyndham Primary",
    "Fernbank School",
    "St Agatha's Primary",
    "Orchard Vale Academy",
    "Marlborough Rise School",
    "Canterbury Grove Primary",
)
PLACES = (
    "Kestrel Estate",
    "Bellenden Family Hub",
    "The Leaf Centre",
    "Nunhead Adventure Playground",
    "Canal Walk Youth Club",
    "Hollydale Children's Centre",
    "Brayford Community Kitchen",
)
KEY_STAFF = (
    # identifiers of kind person: (text, aliases)
    ("Mrs Adewale", ("Funmilayo Adewale", "Funmilayo")),
    ("Mr Kowalski", ("Piotr Kowalski", "Piotr")),
    ("Ms O'Driscoll", ("Bernadette O'Driscoll",)),
    ("Mr Osei", ("Kwadwo Osei", "Kwadwo")),
    ("Dr Villanueva", ("Lucía Villanueva",)),
)

# Unregistered people: the register never holds these, only rules can catch them.
UNREG_FEMALE = (
    *("Kehinde", "Folasade", "Temitope", "Ifeoma", "Yaa", "Sahra", "Tsega", "Sabina"),
    *("Gülsüm", "Filipa", "Yesenia", "Thuy", "Jodie-Ann", "Maeve", "Amara", "Mariam"),
    *("Habiba", "Lwam", "Shola"),
)
UNREG_MALE = (
    *("Taiwo", "Nnamdi", "Chukwuemeka", "Kwaku", "Ekow", "Abdiqani", "Hagos", "Rubel"),
    *("Orhan", "Krzysztof", "Bartosz", "Vasco", "Esteban", "Quang", "Tyrese", "Conor"),
    *("Gary", "Kayden", "Tobi", "Ikenna", "Dwayne", "Dylan", "Nikola", "Tuan"),
)
UNREG_FIRST = UNREG_FEMALE + UNREG_MALE
UNREG_SURNAMES = (
    *("Okoro", "Bankole", "Kaur", "Yıldız", "Ogunbiyi", "Amponsah", "Mohamud", "Tsegay"),
    *("Begum", "Aksoy", "Mazur", "Pinto", "Castaño", "Vo", "Gayle", "Murphy", "Pennington"),
    *("Adjei", "Okeke", "Dirie", "Kahsay", "Sarkar", "Koç", "Grabowski", "Teixeira"),
    *("Salazar", "Luong", "Forbes", "Quinlan", "Ashworth", "Obi", "Haile", "Cisse"),
)
# Family members by title, with the pool their first name comes from.
FEMALE_RELATIONS = (
    *("her aunty", "his aunty", "nan", "grandma", "her nan", "older sister"),
    *("her stepmum", "dad's girlfriend", "her little sister", "his big sister"),
)
MALE_RELATIONS = (
    *("his uncle", "her uncle", "big brother", "step-dad", "mum's partner"),
    *("his older brother", "grandad", "her cousin", "his cousin"),
)


@dataclass
class Register:
    rng: random.Random
    participants: list[Json] = field(default_factory=list)
    identifiers: list[Json] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Json]:
        return [p for p in self.participants if p["kind"] == kind]

    def parents_of(self, child: Json) -> list[Json]:
        return [p for p in self.participants if p.get("child") == child["id"]]


def _mobile(rng: random.Random) -> str:
    # Ofcom's drama range: fictional by design, and a valid-looking UK mobile.
    return f"07700 900{rng.randint(0, 999):03d}"


def _add(reg: Register, first: str, last: str, kind: str, **extra: Any) -> Json:
    person: Json = {
        "id": f"p{len(reg.participants) + 1:03d}",
        "kind": kind,
        "name": f"{first} {last}",
        "first": first,
        "last": last,
        **extra,
    }
    reg.participants.append(person)
    return person


def build_register(rng: random.Random) -> Register:
    reg = Register(rng)
    used: set[str] = set()
    communities = list(COMMUNITIES)
    for first, last, kind in WORD_NAME_PEOPLE:
        _add(reg, first, last, kind)
        used |= {first, last}
    # children: three or four from each community
    for i in range(44):
        firsts, lasts = COMMUNITIES[communities[i % len(communities)]]
        first = rng.choice([f for f in firsts if f not in used])
        last = rng.choice(lasts)
        used.add(first)
        _add(reg, first, last, "child")
    children = reg.of_kind("child")
    # parents: most share the child's surname, some do not (a different family name)
    for child in rng.sample(children, 40):
        community = next(c for c, (_, ls) in COMMUNITIES.items() if child["last"] in ls)
        firsts, lasts = COMMUNITIES.get(community, COMMUNITIES["english"])
        spare = [f for f in firsts if f not in used] or list(firsts)
        first = rng.choice(spare)
        used.add(first)
        last = child["last"] if rng.random() < 0.8 else rng.choice(lasts)
        _add(reg, first, last, "parent", child=child["id"], contact=_mobile(rng))
    for p in reg.of_kind("parent"):  # the word-name parents get a child and a phone too
        p.setdefault("child", rng.choice(children)["id"])
        p.setdefault("contact", _mobile(rng))
    # practitioners: social workers, family support, school staff, with contacts
    prac_names = [
        ("Nkechi", "Obiora"), ("Declan", "Farrell"), ("Rukhsana", "Akhtar"),
        ("Tamsin", "Holloway"), ("Yemisi", "Coker"), ("Gareth", "Pryce"),
        ("Sinéad", "Mulvey"), ("Olumide", "Sanusi"), ("Hannah", "Blackwood"),
        ("Kadiatou", "Diallo"), ("Simone", "Baptiste"), ("Luca", "Moretti"),
        ("Agata", "Sobczak"), ("Dele", "Ogundipe"), ("Fiona", "Maguire"),
    ]  # fmt: skip
    for i, (first, last) in enumerate(prac_names):
        if i % 4 == 3:
            contact = f"{first.lower()}.{last.lower()}@southwark-example.gov.uk"
        else:
            contact = _mobile(rng) if i % 2 else f"020 7946 0{rng.randint(0, 999):03d}"
        _add(reg, first, last, "practitioner", contact=contact)
    for p in reg.of_kind("practitioner"):
        p.setdefault("contact", _mobile(rng))
    # two withdrawn children: their words must not reach an export (helper H's overlaps)
    for child in rng.sample(children[13:], 2):
        child["withdrawn"] = True
    for text, _short in SCHOOLS:
        reg.identifiers.append({"text": text, "kind": "school", "aliases": []})
    for place in PLACES:
        reg.identifiers.append({"text": place, "kind": "place", "aliases": []})
    for text, aliases in KEY_STAFF:
        reg.identifiers.append({"text": text, "kind": "person", "aliases": list(aliases)})
    return reg
