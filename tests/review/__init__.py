"""Tests of the reviewer workflow (issue 4); a package so its modules and helpers have unique names."""
