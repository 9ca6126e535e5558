import pytest
from portal.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Wrocław", "wroclaw"),
        ("København", "kobenhavn"),
        ("Düsseldorf", "dusseldorf"),
        ("La Manche", "la-manche"),
        ("San Francisco", "san-francisco"),
        ("Seoul – Barcelona: the MOU!", "seoul-barcelona-the-mou"),
        ("São Paulo", "sao-paulo"),
        ("Straße", "strasse"),
        ("Kathmandu's PCs", "kathmandus-pcs"),
        ("  ", ""),
    ],
)
def test_slugs_transliterate_instead_of_dropping_letters(text, slug):
    assert slugify(text) == slug
