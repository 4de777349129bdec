"""A ready report's table as a file: CSV, XLSX (openpyxl), JSON (the contract's ReportData) or a PNG chart
(matplotlib)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from contract_types.openapi.reporting import ReportData

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "png": "image/png",
}
# The measure each report's chart shows, and the column its lines are split by (None: one line).
CHART_MEASURES = {"user-signups": "signups", "platform-activity": "events", "inference-usage": "predictions"}
GROUP_COLUMNS = ("role", "event_type")
MAX_CHART_SERIES = 8


def frame(columns: list[str], rows: list[dict[str, Any]]) -> pd.DataFrame:
    # pandas and matplotlib are imported on the first file rendered, not when the service starts: they are half of
    # reporting-bridge's start-up CPU, and its other endpoints never use them (decision 0023).
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def render(file_format: str, report: ReportData) -> bytes:
    if file_format == "json":
        return report.model_dump_json(by_alias=True).encode()
    table = frame([column.root for column in report.columns], report.rows)
    if file_format == "csv":
        return table.to_csv(index=False).encode()
    if file_format == "xlsx":
        import pandas as pd

        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name=report.type.value[:31], index=False)
        return buffer.getvalue()
    return _chart(report, table)


def _chart(report: ReportData, table: pd.DataFrame) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on servers; set before pyplot is imported
    import matplotlib.pyplot as plt

    measure = CHART_MEASURES[report.type.value]
    params = report.params
    figure, axes = plt.subplots(figsize=(12, 6), dpi=100)
    try:
        if "origin" in table.columns:  # per lane: the busiest lanes over the whole range
            lanes = table.assign(lane=table["origin"] + "→" + table["destination"]).groupby("lane")[measure].sum()
            if lanes.empty:  # no use in the range, so no lane at all: pandas refuses to plot nothing
                _say_no_data(axes)
            else:
                lanes.sort_values(ascending=False).head(20).sort_values().plot.barh(ax=axes, color="#4c72b0")
            axes.set_xlabel(measure)
        else:
            group = next((c for c in GROUP_COLUMNS if c in table.columns), None)
            if group is None:
                series = table.set_index("period_start")[[measure]]
            else:
                series = table.pivot_table(index="period_start", columns=group, values=measure, aggfunc="sum",
                                           fill_value=0)
                series = series[series.sum().sort_values(ascending=False).index[:MAX_CHART_SERIES]]
            if series.empty:
                _say_no_data(axes)
            else:
                series.plot(ax=axes, kind="bar" if len(series) <= 31 else "line", stacked=group is not None,
                            rot=45)
            axes.set_ylabel(measure)
        axes.set_title(f"{report.type.value} {params.from_} .. {params.to} ({params.granularity.value})")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _say_no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no data in this range", ha="center", va="center", transform=axes.transAxes)
