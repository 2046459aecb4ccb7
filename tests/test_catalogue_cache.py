"""The catalogue cache (catalogue/cache.py) and the plain items it keeps (catalogue/items.py).

A warm cache must give exactly what reading the YAML gives; any change to a file must be seen;
a damaged or foreign cache file must be ignored; problems must still be reported with their place.
"""

from __future__ import annotations

import pickle
import stat
import textwrap
from pathlib import Path

import pytest

from encounters_cli.catalogue import cache, items, models
from encounters_cli.catalogue.loader import layers_of, load_catalogue
from encounters_cli.errors import CatalogueError

PACK = """\
practices:
  - id: open-door
    title: {en: Open door, fi: Avoin ovi}
    summary: {en: Keep the door open., fi: Pidä ovi auki.}
    why: {en: People come in., fi: Ihmiset tulevat sisään.}
    steps:
      - {en: Open it., fi: Avaa se.}
      - {en: Say hello., fi: Tervehdi.}
    values: [trust]
    domains: all
    before:
      - id: plan
        type: text
        prompt: {en: What will you say?, fi: Mitä sanot?}
    after:
      - id: how
        type: scale
        prompt: {en: How open was it?, fi: Kuinka avoin se oli?}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write(tmp_path / "pack" / "ours.yaml", PACK).parent


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def entry(cache_dir: Path) -> Path:
    return cache_dir / cache.CACHE_NAME


def test_a_warm_cache_gives_what_the_yaml_gives(pack: Path, cache_dir: Path) -> None:
    read = load_catalogue([pack])
    cold = load_catalogue([pack], cache_dir=cache_dir)
    assert entry(cache_dir).exists()
    warm = load_catalogue([pack], cache_dir=cache_dir)
    for loaded in (cold, warm):
        assert loaded.version == read.version
        assert loaded.sources == read.sources
        for kind in ("values", "domains", "practices", "question_sets"):
            assert getattr(loaded, kind) == getattr(read, kind)
    assert warm.practice("open-door").title.get("fi") == "Avoin ovi"


def test_the_cache_is_read_without_yaml_or_validation(
    pack: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue([pack], cache_dir=cache_dir)
    from encounters_cli.catalogue import reader

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("YAML read on a warm cache")

    monkeypatch.setattr(reader, "read_catalogue", refuse)
    assert "open-door" in load_catalogue([pack], cache_dir=cache_dir).practices


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_any_change_to_the_files_is_seen(pack: Path, cache_dir: Path, change: str) -> None:
    first = load_catalogue([pack], cache_dir=cache_dir)
    if change == "edit":
        path = pack / "ours.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Open door", "Open doors"), encoding="utf-8")
    elif change == "add":
        write(pack / "more.yaml", PACK.replace("open-door", "side-door"))
    else:
        (pack / "ours.yaml").unlink()
    second = load_catalogue([pack], cache_dir=cache_dir)
    assert second.version != first.version
    assert second.practices != first.practices
    assert load_catalogue([pack]).practices == second.practices


def test_problems_are_still_located_and_never_cached(pack: Path, cache_dir: Path) -> None:
    path = pack / "ours.yaml"
    path.write_text(PACK.replace("type: scale", "type: slider"), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue([pack], cache_dir=cache_dir)
    assert f"{path}:17:15: practices[0].after[0].type: unknown type 'slider'" in str(raised.value)
    assert not entry(cache_dir).exists()
    with pytest.raises(CatalogueError):  # again: a failed load is never served from anywhere
        load_catalogue([pack], cache_dir=cache_dir)
    path.write_text(PACK, encoding="utf-8")
    assert "open-door" in load_catalogue([pack], cache_dir=cache_dir).practices


def test_a_missing_pack_is_reported_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    with pytest.raises(CatalogueError, match="no such file or folder"):
        load_catalogue([tmp_path / "nowhere"], cache_dir=cache_dir)
    assert not entry(cache_dir).exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:40] + b"\x00" * 64 + data[104:],  # overwritten in the middle
        lambda data: b"",  # empty
        lambda data: b"not a cache at all",
        lambda data: data.replace(cache.MAGIC, b"encounters catalogue cache 0\n"),  # another format
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(pack: Path, cache_dir: Path, damage) -> None:
    expected = load_catalogue([pack], cache_dir=cache_dir)
    path = entry(cache_dir)
    path.write_bytes(damage(path.read_bytes()))
    assert load_catalogue([pack], cache_dir=cache_dir).practices == expected.practices
    assert pickle.loads(path.read_bytes()[len(cache.MAGIC) + 65 :]).version == expected.version  # rewritten


def test_a_pickle_of_something_else_is_ignored(pack: Path, cache_dir: Path) -> None:
    expected = load_catalogue([pack], cache_dir=cache_dir)
    key = cache.key_of(layers_of([pack]))
    assert key is not None
    entry(cache_dir).write_bytes(cache.MAGIC + key.encode() + b"\n" + pickle.dumps({"not": "a catalogue"}))
    assert load_catalogue([pack], cache_dir=cache_dir).practices == expected.practices


def test_the_cache_is_private(pack: Path, cache_dir: Path) -> None:
    load_catalogue([pack], cache_dir=cache_dir)
    assert stat.S_IMODE(entry(cache_dir).stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert [path.name for path in cache_dir.iterdir()] == [cache.CACHE_NAME]  # no temporary file left


def test_a_cache_file_others_can_write_is_not_trusted(
    pack: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue([pack], cache_dir=cache_dir)
    entry(cache_dir).chmod(0o666)
    key = cache.key_of(layers_of([pack]))
    assert key is not None
    assert cache.read(cache_dir, key) is None  # unpickling runs code: only our own, unshared file
    entry(cache_dir).chmod(0o600)
    assert cache.read(cache_dir, key) is not None


def test_an_unwritable_cache_folder_only_costs_speed(pack: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    assert "open-door" in load_catalogue([pack], cache_dir=blocker / "cache").practices


def test_the_cli_keeps_its_cache_in_encounters_home(isolated_home: Path) -> None:
    from encounters_cli.cli.state import AppState

    assert "trust" in AppState().catalogue.values
    assert (isolated_home / "cache" / cache.CACHE_NAME).exists()


# --- the plain items ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(items.ITEMS))
def test_items_have_the_fields_of_their_models(name: str) -> None:
    assert items.ITEMS[name].fields == tuple(getattr(models, name).model_fields)


def test_every_shipped_item_dumps_as_its_model_does() -> None:
    from encounters_cli.catalogue import reader

    validated = reader._Reader()  # the models as validated, before they become items
    validated.read_layers(layers_of([]))
    loaded = load_catalogue()
    for kind in models.KINDS:
        assert list(getattr(loaded, kind)) == list(validated.combined[kind])
        for item_id, found in validated.combined[kind].items():
            model, item = found.model, getattr(loaded, kind)[item_id]
            for mode in ("python", "json"):
                assert item.model_dump(mode=mode) == model.model_dump(mode=mode)
            assert items.from_model(model) == item


def test_items_are_frozen_and_copy_like_models() -> None:
    practice = load_catalogue().practices["explain-the-why"]
    with pytest.raises(AttributeError):
        practice.title = practice.summary  # type: ignore[misc]
    renamed = practice.model_copy(update={"id": "explain-more"})
    assert (renamed.id, renamed.title) == ("explain-more", practice.title)
    assert practice.id == "explain-the-why"
    assert pickle.loads(pickle.dumps(practice)) == practice
    assert hash(pickle.loads(pickle.dumps(practice))) == hash(practice)
    assert len({practice, renamed, practice.model_copy()}) == 2


def test_the_cache_file_holds_no_pydantic(pack: Path, cache_dir: Path) -> None:
    load_catalogue([pack], cache_dir=cache_dir)
    assert b"pydantic" not in entry(cache_dir).read_bytes()
    assert entry(cache_dir).stat().st_size < 1_000_000
