"""The driver (lifetui/simulation/driver.py): how calls into the engine are sized."""


def test_calls_into_the_engine_are_sized_from_its_own_speed():
    from lifetui.simulation.driver import BATCH_SECONDS, FRAME_SECONDS, LATENCY_SECONDS, chunk

    assert chunk(0.0, None) == 1  # not measured yet: one generation
    assert chunk(60_000, None) == int(60_000 * BATCH_SECONDS)
    assert chunk(60_000, 50) == round(50 * FRAME_SECONDS)  # paced: a frame's worth
    assert chunk(40, 50) == 1  # paced, but the engine is slow: what it does in BATCH_SECONDS
    # An engine of 8-generation passes gets whole passes, when one fits in LATENCY_SECONDS...
    assert chunk(350, None, per_pass=8) == 8 and LATENCY_SECONDS >= 8 / 350
    assert chunk(60_000, None, per_pass=8) % 8 == 0
    # ...and not when a pass would take longer than that.
    assert chunk(100, None, per_pass=8) == int(100 * BATCH_SECONDS) < 8
    # Near the next frame, the call is cut short, to no less than a quarter.
    assert chunk(60_000, None, until_frame=0.0) == int(60_000 * BATCH_SECONDS) // 4
