"""Kernel folders: the round trip, wiring, the numpy hard evaluation, and refusal of damaged or hostile files."""

import json
import zipfile

import numpy as np
import pytest

from lifetui.model.gates import PASS_A
from lifetui.model.kernels import KernelError, kernel_for, load_kernel, save_kernel
from lifetui.model.network import DEFAULT_LAYERS, INPUTS, Network, neighbourhoods, random_wiring, wrong_neighbourhoods
from lifetui.rules import CONWAY, parse_rule


def pass_through_network(layers=(4, 2, 1), seed=0) -> Network:
    wires_a, wires_b = random_wiring(layers, seed)
    logits = [np.zeros((size, 16), np.float32) for size in layers]
    for layer in logits:
        layer[:, PASS_A] = 1.0
    return Network(wires_a, wires_b, logits)


def test_wiring_uses_every_pair_first_and_every_wire_later():
    wires_a, wires_b = random_wiring(DEFAULT_LAYERS, seed=3)
    first = {tuple(sorted(pair)) for pair in zip(wires_a[0], wires_b[0])}
    assert len(first) == 36  # every pair of the nine inputs
    assert all(a != b for a, b in zip(wires_a[0], wires_b[0]))
    for depth in range(1, len(DEFAULT_LAYERS)):
        used = set(wires_a[depth]) | set(wires_b[depth])
        assert used == set(range(DEFAULT_LAYERS[depth - 1]))
    again_a, _ = random_wiring(DEFAULT_LAYERS, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(wires_a, again_a))


def test_hard_evaluation_follows_the_wires():
    # One XOR of inputs 0 and 8, then a pass-through: the output is NW xor SE.
    network = Network(
        [np.array([0]), np.array([0])], [np.array([8]), np.array([0])],
        [np.eye(16, dtype=np.float32)[[6]], np.eye(16, dtype=np.float32)[[PASS_A]]],
    )  # fmt: skip
    inputs = neighbourhoods()
    assert np.array_equal(network.evaluate(inputs)[0], inputs[0] ^ inputs[8])


def test_neighbourhood_bits_are_in_neighbourhood_order():
    inputs = neighbourhoods()
    assert inputs.shape == (INPUTS, 512)
    assert inputs[:, 0b100000001].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 1]


def test_save_and_load_round_trip(tmp_path):
    network = pass_through_network()
    save_kernel(tmp_path / "k", network, {"rule": "B3/S23", "seed": 7})
    kernel = load_kernel(tmp_path / "k")
    assert kernel.rule == CONWAY
    assert kernel.metadata["seed"] == 7
    assert kernel.network.layer_sizes == (4, 2, 1)
    for before, after in zip(network.logits, kernel.network.logits):
        assert np.array_equal(before, after)
    assert sorted(p.name for p in (tmp_path).iterdir()) == ["k"]


def test_save_replaces_a_kernel_whole(tmp_path):
    save_kernel(tmp_path / "k", pass_through_network(seed=0), {"rule": "B3/S23", "seed": 0})
    save_kernel(tmp_path / "k", pass_through_network(seed=1), {"rule": "B3/S23", "seed": 1})
    assert load_kernel(tmp_path / "k").metadata["seed"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_interrupted_save_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    assert list(tmp_path.iterdir()) == []


def test_wrong_neighbourhoods_of_a_bad_network():
    network = pass_through_network((1,))  # outputs one of the nine inputs: wrong in many places
    assert len(wrong_neighbourhoods(network, CONWAY)) > 100


def test_kernel_for_a_rule_without_one(tmp_path, monkeypatch):
    import lifetui.model.kernels as kernel

    monkeypatch.setattr(kernel, "user_kernels_dir", lambda: tmp_path)
    with pytest.raises(KernelError, match="lifetui train --rule B2/S"):
        kernel_for(parse_rule("B2/S").rule)


def test_kernel_for_the_wrong_rule(tmp_path):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B36/S23"})
    with pytest.raises(KernelError, match="is for B36/S23, not B3/S23"):
        kernel_for(CONWAY, tmp_path / "k")


def damage(folder, name, change):
    path = folder / name
    if name.endswith(".json"):
        document = json.loads(path.read_text())
        change(document)
        path.write_text(json.dumps(document))
    else:
        arrays = dict(np.load(path))
        change(arrays)
        np.savez(path, **arrays)


@pytest.mark.parametrize(
    ("name", "change", "words"),
    [
        ("kernel.json", lambda d: d.update(format=99), "unknown kernel format"),
        ("kernel.json", lambda d: d.update(rule="B3/S23/C4"), "'states' must be 4, the states of 23/3/4"),
        ("kernel.json", lambda d: d.update(rule="B3/S23/C4", states=4), "ending in 2"),  # two bits a state
        ("kernel.json", lambda d: d.update(rule="LifeHistory", states=7), "LifeHistory is in parts: 'parts' must"),
        ("kernel.json", lambda d: d.update(rule="/2/5", states=5), "a kernel for /2/5 is in parts"),
        ("kernel.json", lambda d: d.update(rule=["B3"]), "'rule' must be a string"),
        ("kernel.json", lambda d: d.update(layers=[4, 2, 2]), "ending in 1"),
        ("kernel.json", lambda d: d.update(layers=[10**9, 1]), "layer widths"),
        ("kernel.json", lambda d: d.update(layers="4,2,1"), "layer widths"),
        ("network.npz", lambda a: a.update(layer01_a=np.array([0, 99])), "reads outside"),
        ("network.npz", lambda a: a.update(layer01_a=np.array([0, 4])), "reads outside 0..3"),  # = the width
        ("network.npz", lambda a: a.update(layer00_b=np.array([0, 1, 2, 9])), "reads outside 0..8"),  # 9 inputs
        ("network.npz", lambda a: a.update(layer02_logits=np.zeros((1, 16), np.int32)), "1 x 16 floats"),
        ("network.npz", lambda a: a.update(layer01_b=np.array([-1, 0])), "reads outside"),
        ("network.npz", lambda a: a.update(layer00_a=np.array([0.5, 1, 2, 3])), "integers"),
        ("network.npz", lambda a: a.update(layer02_logits=np.full((1, 16), np.nan, np.float32)), "finite"),
        ("network.npz", lambda a: a.update(layer02_logits=np.zeros((1, 15), np.float32)), "1 x 16 floats"),
        ("network.npz", lambda a: a.pop("layer01_b"), "not the arrays kernel.json's layers make: missing layer01_b"),
        ("network.npz", lambda a: a.update(extra=np.zeros(3)), "layers make: unexpected extra"),
    ],
)
def test_damaged_kernels_are_refused(tmp_path, name, change, words):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    damage(tmp_path / "k", name, change)
    with pytest.raises(KernelError) as raised:
        load_kernel(tmp_path / "k")
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("kernel.json", b"\xff\xfe not json", "not valid JSON"),
        ("kernel.json", b"[1, 2, 3]", "JSON object"),
        ("network.npz", b"PK\x03\x04 truncated", "not a readable network file"),
        ("network.npz", b"", "not a readable network file"),
    ],
)
def test_junk_files_are_refused(tmp_path, name, content, words):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    (tmp_path / "k" / name).write_bytes(content)
    with pytest.raises(KernelError, match=words):
        load_kernel(tmp_path / "k")


def test_pickled_arrays_are_refused(tmp_path):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    path = tmp_path / "k" / "network.npz"
    arrays = dict(np.load(path))
    arrays["layer00_a"] = np.array([object(), 1, 2, 3], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(KernelError, match="not a readable network file"):
        load_kernel(tmp_path / "k")


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    path = tmp_path / "k" / "network.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("layer00_a.npy", b"\0" * (200 * 2**20))
    with pytest.raises(KernelError, match="unpacks to more than"):
        load_kernel(tmp_path / "k")


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(KernelError, match="no such kernel folder"):
        load_kernel(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KernelError, match="cannot read"):
        load_kernel(tmp_path / "empty")


def test_deeply_nested_metadata_is_refused(tmp_path):
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    (tmp_path / "k" / "kernel.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(KernelError, match="not valid JSON"):
        load_kernel(tmp_path / "k")


def test_an_unchanged_kernel_is_read_once_and_a_changed_one_again(tmp_path, monkeypatch):
    import lifetui.model.kernels as kernels

    reads = []
    real = kernels._load_arrays
    monkeypatch.setattr(kernels, "_load_arrays", lambda *args: reads.append(args) or real(*args))
    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    first = load_kernel(tmp_path / "k")
    assert load_kernel(tmp_path / "k") is first and len(reads) == 1
    save_kernel(tmp_path / "k", pass_through_network((4, 4, 1)), {"rule": "B3/S23"})
    assert load_kernel(tmp_path / "k").network.layer_sizes == (4, 4, 1) and len(reads) == 2


def test_an_array_header_declaring_a_huge_shape_is_refused_before_numpy_allocates_it(tmp_path):
    import io

    save_kernel(tmp_path / "k", pass_through_network(), {"rule": "B3/S23"})
    path = tmp_path / "k" / "network.npz"
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (100000000000,), }"
    header += b" " * (118 - len(header)) + b"\n"
    members["layer00_a.npy"] = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 64
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(packed.getvalue())
    with pytest.raises(KernelError, match=r"declares an array of shape \(100000000000,\), far too large"):
        load_kernel(tmp_path / "k")


def test_trained_kernels_live_in_the_user_data_folder(monkeypatch, tmp_path):
    from lifetui.model.kernels import user_kernels_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_kernels_dir() == tmp_path / "lifetui" / "kernels"
