"""Attribute-bearing simple content of the EEC modules (codes with their code list, measures, binaries).

Each class mirrors one ``xs:simpleContent`` type of ``../shared/eec`` §7.
"""

from __future__ import annotations

from pydantic import Field

from sanmeasures.contract import simple_types as st
from sanmeasures.contract.xmlmodel import XmlModel, attr, text


class QualifiedCode(XmlModel):
    """csdo:QualifiedCodeType / csdo:UnifiedCode20Type: a code and its REQUIRED ``codeListId``."""

    value: st.Code20 = text()
    code_list_id: st.ReferenceDataId = attr("codeListId")


class OptionalQualifiedCode(XmlModel):
    """csdo:UnifiedOptionalCode20Type: a 1–20 character code, ``codeListId`` optional."""

    value: st.Code20 = text()
    code_list_id: st.ReferenceDataId | None = attr("codeListId", default=None)


class CountryCode(XmlModel):
    """csdo:UnifiedCountryCodeType: alpha-2 country code (pattern ``[A-Z]{2}``) and ``codeListId``."""

    value: st.CountryCodeValue = text()
    code_list_id: st.ReferenceDataId = attr("codeListId")


class SanitaryProductTypeCode(XmlModel):
    """smsdo:SanitaryProductTypeCodeType: three digits and ``codeListId``."""

    value: st.SanitaryProductTypeCodeValue = text()
    code_list_id: st.ReferenceDataId = attr("codeListId")


class PathogenKindCode(XmlModel):
    """smsdo:PathogenKindCodeType: 1–2 characters and ``codeListId``."""

    value: st.Code1to2 = text()
    code_list_id: st.ReferenceDataId = attr("codeListId")


class DiseaseHealthProblemCode(XmlModel):
    """smsdo:DiseaseHealthProblemCodeType: a code without facets (ICD-10 in practice) and ``codeListId``."""

    value: st.PlainCode = text()
    code_list_id: st.ReferenceDataId = attr("codeListId")


class BusinessEntityId(XmlModel):
    """csdo:BusinessEntityIdType: registration number (1–20) and its REQUIRED ``kindId``."""

    value: st.Id20 = text()
    kind_id: st.Id20 = attr("kindId")


class IdentityDocKindCode(XmlModel):
    """csdo:IdentityDocKindCodeType: 1–20 characters, ``codeListId`` optional."""

    value: st.Code20 = text()
    code_list_id: st.ReferenceDataId | None = attr("codeListId", default=None)


class PhysicalMeasure(XmlModel):
    """csdo:PhysicalMeasureType: a quantity and its REQUIRED ``measurementUnitCode``."""

    value: st.Measure = text()
    measurement_unit_code: st.MeasurementUnitCode = attr("measurementUnitCode")


class UnifiedPhysicalMeasure(XmlModel):
    """csdo:UnifiedPhysicalMeasureType: quantity, ``measurementUnitCode`` and ``measurementUnitCodeListId``."""

    value: st.Measure = text()
    measurement_unit_code: st.MeasurementUnitCode = attr("measurementUnitCode")
    measurement_unit_code_list_id: st.ReferenceDataId = attr("measurementUnitCodeListId")


class BinaryText(XmlModel):
    """csdo:BinaryTextType: base64 content (a scanned PDF …) with an optional ``mediaTypeCode``."""

    value: st.Base64Bytes = text()
    media_type_code: st.MediaTypeCode | None = attr("mediaTypeCode", default=None)


class AnyDetails(XmlModel):
    """ccdo:AnyDetailsType: a document in XML form (``xs:any``, processContents strict, 1..*)."""

    elements: list[str] = Field(
        min_length=1, json_schema_extra={"xml_kind": "any"}, description="exclusive-C14N XML fragments"
    )
