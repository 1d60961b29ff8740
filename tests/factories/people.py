"""Units of the tree and the people who act for them."""

import factory
from django.contrib.auth.models import Group

from recognition.models import Level, Unit, UnitKind, User


def unit_create(
    *, name: str, parent: Unit | None = None, level_code: str = "commune", kind=UnitKind.PARTY_COMMITTEE
) -> Unit:
    level = Level.objects.get(code=level_code)
    if parent is None:
        return Unit.objects.add_root(dict(name=name, level=level, kind=kind))
    return Unit.objects.add_child(parent, dict(name=name, level=level, kind=kind))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="vi_VN")
    last_name = factory.Faker("last_name", locale="vi_VN")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.vn")
    password = factory.django.Password("secret-pass-123")


def user_with_role(*, role: str, unit: Unit, username: str | None = None, **kwargs) -> User:
    user = UserFactory(unit=unit, **({"username": username} if username else {}), **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user
