"""The documented example configuration is itself valid and spells out every default."""

from pathlib import Path

from lotsync.adapters.config import load_config
from lotsync.core import layout
from lotsync.core.model import SettlementMode

EXAMPLE = Path(__file__).parents[2] / "config" / "lotsync.example.toml"


def test_the_example_configuration_loads():
    config = load_config(EXAMPLE)
    assert config.member_ids == ("cahors", "dordogne", "figeac")
    assert config.fees[0].amount == 3000
    assert Path(config.members[0].source).is_absolute()


def test_the_example_documents_every_header_and_word_default():
    config = load_config(EXAMPLE)
    assert config.headers == layout.DOSSIER_HEADERS
    assert config.expense_headers == layout.EXPENSE_HEADERS
    assert config.fee_headers == layout.FEE_HEADERS
    assert config.payment_headers == layout.PAYMENT_HEADERS
    assert set(config.words.status) == set(layout.STATUS_WORDS)


def test_the_example_names_every_shared_input_tab_and_its_headers():
    config = load_config(EXAMPLE)
    for tab in layout.SHARED_INPUTS:
        assert getattr(config.shared, f"{tab.key}_tab") == tab.name, tab.key
        assert getattr(config, tab.headers_section) == tab.headers, tab.headers_section


def test_the_example_spells_out_the_settlement_mode():
    from lotsync.adapters.config import SettlementConfig

    config = load_config(EXAMPLE)
    assert config.settlement == SettlementConfig()
    assert config.settlement.mode is SettlementMode.GROSS
    text = EXAMPLE.read_text(encoding="utf-8")
    assert '[settlement]\nmode = "gross"' in text
    assert all(f'"{mode.value}"' in text for mode in SettlementMode)


def test_the_example_spells_out_the_limits_and_the_lock_wait():
    from lotsync.adapters.config import LimitsConfig, ScheduleConfig

    config = load_config(EXAMPLE)
    assert config.limits == LimitsConfig()
    assert config.schedule.lock_wait == ScheduleConfig().lock_wait
    assert "[limits]" in EXAMPLE.read_text(encoding="utf-8")


def test_the_example_spells_out_the_requests_settings_and_territories():
    from lotsync.adapters.config import RequestsConfig
    from lotsync.adapters.territories import gazetteer

    config = load_config(EXAMPLE)
    assert config.requests.model_copy(update={"places": {}}) == RequestsConfig()
    assert config.request_headers == layout.REQUEST_HEADERS
    assert gazetteer(config.territories(), {}).lookup("Capdenac-Gare")[0].member == "figeac"
    assert config.requests.places["Gouffre de Padirac"] == "dordogne"
