"""Names the risk charts and tables share: gap labels, the thesis's five risks, short labels."""

from __future__ import annotations

UNKNOWN = "(unknown)"
NOT_AVAILABLE = "not available"
#: The risks the thesis names when it reads its Table 6 (§3.1); every chart gives them the same colours.
THESIS_RISKS = ["Business interruption", "Cyber incidents", "Loss of reputation or brand value",
                "Natural catastrophes", "Macroeconomic developments"]
#: The two axes the thesis names for its risk matrix (Table 7), as the risk_matrix note quotes them.
MATRIX_AXES = ("likelihood of the risk", "impact on the objectives")
#: Short names for direct labels on crowded charts (tooltips and legends keep Allianz's full names).
SHORT = {"Cyber incidents": "Cyber", "Loss of reputation or brand value": "Reputation",
         "Macroeconomic developments": "Macroeconomic", "Changes in legislation and regulation": "Legislation",
         "Product recall, quality management, serial defects": "Product recall",
         "Political risks and violence": "Political risks", "Shortage of skilled workforce": "Skilled workforce",
         "Pandemic outbreak": "Pandemic", "Power blackout": "Blackout", "Market developments": "Market",
         "Fire, explosion": "Fire"}


def short(risk: str) -> str:
    return SHORT.get(risk, risk)
