"""Look-up speed: postal codes and addresses resolved in-process (target: median under 2 ms).

The index over Japan Post's data is built once (its time is reported apart); each look-up then
includes the query that fetches our municipality rows. `python -m bench lookup`.
"""

import contextlib
import time

from bench.harness import describe, django_database, timings_ms

POSTAL_CODES = ["190-0012", "2310005", "１９０－８６６６", "985-0000", "004-0000", "100-0001", "060-0000"]
ADDRESSES = [
    "神奈川県横浜市中区本町6丁目50番地の10",
    "東京都練馬区豊玉北6-12-1",
    "府中市宮西町1-1",
    "西多摩郡瑞穂町箱根ケ崎2335",
    "北海道札幌市中央区北1条西2丁目",
    "大阪市北区梅田1-1",
    "どこか",
]


def run() -> list[tuple[str, str]]:
    with django_database():
        from municipalities.postal_data import get_index
        from municipalities.services import (
            MunicipalityResolutionError,
            lookup_address,
            lookup_postal_code,
            refresh_municipalities,
            resolve,
        )

        started = time.perf_counter()
        refresh_municipalities()
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        get_index()
        indexed = time.perf_counter() - started

        postal = iter(POSTAL_CODES * 1000)
        address = iter(ADDRESSES * 1000)
        both = iter(zip(POSTAL_CODES, ADDRESSES, strict=True))

        def next_both():
            nonlocal both
            try:
                code, text = next(both)
            except StopIteration:
                both = iter(zip(POSTAL_CODES, ADDRESSES, strict=True))
                code, text = next(both)
            # Ambiguous and unknown inputs are part of the mix: their errors are expected.
            with contextlib.suppress(MunicipalityResolutionError):
                resolve(postal_code=code, address=text)

        return [
            ("load_municipalities (1,912 rows)", f"{loaded:.2f} s"),
            ("index build, once per process", f"{indexed:.2f} s"),
            ("lookup_postal_code", describe(timings_ms(lambda: lookup_postal_code(next(postal)), repeat=2000))),
            ("lookup_address", describe(timings_ms(lambda: lookup_address(next(address)), repeat=2000))),
            ("resolve (postal code + address)", describe(timings_ms(next_both, repeat=2000))),
        ]
