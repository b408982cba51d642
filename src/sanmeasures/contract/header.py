"""ccdo:EDocHeader — the technological header every document starts with (M.CDT.90001)."""

from __future__ import annotations

from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.xmlmodel import XmlModel, el


class EDocHeader(XmlModel):
    """InfEnvelopeCode, EDocCode, EDocId, EDocRefId, EDocDateTime, LanguageCode — in this order."""

    inf_envelope_code: st.InfEnvelopeCode = el("csdo:InfEnvelopeCode")
    e_doc_code: st.EDocCode = el("csdo:EDocCode")
    e_doc_id: st.Uuid = el("csdo:EDocId")
    e_doc_ref_id: st.Uuid | None = el("csdo:EDocRefId", default=None)
    e_doc_date_time: st.DateTime = el("csdo:EDocDateTime")
    language_code: rules.IsoLanguageCode | None = el("csdo:LanguageCode", default=None)
