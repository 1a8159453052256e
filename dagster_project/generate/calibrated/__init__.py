"""The calibrated world: records that rebuild the printed 2020-12-25 bulletin at any scale."""
