"""Figures and charts: statistics, decision records, the overview and the HTML report."""
