"""Demo shoppers for seed_demo: deterministic people, created in bulk with one shared password hash.

Not a use case: ``register_user`` hashes every password with Argon2 (slow on purpose), so loading
hundreds of demo users goes straight to the table here, with one hash computed once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
import random

from django.contrib.auth.hashers import make_password

from accounts.models import User, normalize_email

# fmt: off
FIRST_NAMES = (
    "Ava", "Liam", "Noah", "Emma", "Olivia", "Mia", "Lucas", "Ethan", "Sofia", "Amelia", "Mateo", "Harper",
    "Elijah", "Aria", "Leo", "Chloe", "Omar", "Zara", "Hiro", "Yuki", "Priya", "Arjun", "Nina", "Tomas", "Ines",
    "Lars", "Freya", "Kofi", "Amara", "Diego", "Lucia", "Sven", "Maya", "Ravi", "Leila", "Jonas", "Hannah",
    "Felix", "Clara", "Isaac", "Rosa", "Malik", "Esme", "Theo", "Ingrid", "Kai", "Nora", "Samir", "Elena", "Marco",
)
LAST_NAMES = (
    "Smith", "Patel", "Garcia", "Nguyen", "Kim", "Müller", "Rossi", "Silva", "Cohen", "Okafor", "Tanaka", "Novak",
    "Larsen", "Dubois", "Costa", "Ahmed", "Kowalski", "Jensen", "Murphy", "Haddad", "Moreau", "Fischer", "Sato",
    "Ivanova", "Lindqvist", "Mendes", "Byrne", "Walker", "Romero", "Schmidt", "Chen", "Singh", "Ali", "Brown",
    "Wilson", "Lopez", "Martin", "Clarke", "Reyes", "Bauer",
)
# fmt: on


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str


def demo_people(*, count: int, email_format: str, seed: str) -> list[DemoPerson]:
    """``count`` people with believable names; ``email_format`` takes ``{n}`` (1-based), e.g. shopper{n:03d}@..."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)  # nosec B311
    return [
        DemoPerson(email=email_format.format(n=n), name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
        for n in range(1, count + 1)
    ]


def ensure_users(*, people: list[DemoPerson], password: str) -> dict[str, int]:
    """Create the people who are missing (by e-mail), all with ``password``; returns user ids by e-mail."""
    emails = [normalize_email(p.email) for p in people]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [(email, person) for email, person in zip(emails, people, strict=True) if email not in existing]
    if missing:
        password_hash = make_password(password)  # one Argon2 hash for all of them: hashing is slow on purpose
        User.objects.bulk_create(
            [
                User(email=email, name=person.name, password=password_hash, email_verified=True)
                for email, person in missing
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
    return dict(User.objects.filter(email__in=emails).values_list("email", "id"))
