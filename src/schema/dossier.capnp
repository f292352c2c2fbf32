@0xbe78c9d2945b2e0f;
# The dossier (hồ sơ điện tử): the canonical record of one person. Field names are the canonical
# JSON names of DATA_MODEL.md. Fields are numbered in the order they were added and are never
# renumbered, reused or retyped. Every enum starts with `unspecified`, which is what an absent
# field reads as and which no client may send.

using Cxx = import "/capnp/c++.capnp";
using A = import "annotations.capnp";
$Cxx.namespace("hsdt::schema");

enum Category {
  unspecified @0; canBo @1; congChuc @2; canBoCongChucCapXa @3; vienChuc @4; hopDong68 @5;
  nguoiLaoDong @6;
}

enum DossierStatus {
  unspecified @0; dangCongTac @1; tapSu @2; bietPhai @3; nghiKhongLuong @4; tamDinhChi @5;
  chuyenCongTac @6; nghiHuu @7; thoiViec @8; buocThoiViec @9; tuTran @10;
}

enum Gender { unspecified @0; nam @1; nu @2; }

struct PersonName {
  surname @0 :Text $A.required;
  middle @1 :Text;
  given @2 :Text $A.required;
}

struct Decision {
  # The document that caused a change (quyết định).
  number @0 :Text $A.required;    # e.g. "1351/QĐ-UBND"
  signedOn @1 :Text $A.required $A.date(full);
  signer @2 :Text;
  issuer @3 :Text;
}

struct NationalId {
  number @0 :Text $A.required;  # 9 or 12 digits
  issuedOn @1 :Text $A.date(full);
  issuedBy @2 :Text;
}

struct Recruitment {
  date @0 :Text $A.required $A.date(full);
  agency @1 :Text;
  decision @2 :Decision;
}

struct Rank {
  code @0 :Text $A.required $A.ref(rank);
  step @1 :UInt8 $A.required $A.range((min = 1, max = 20));
  coefficient @2 :Float64 $A.required $A.range((min = 0.5, max = 20));
  effectiveDate @3 :Text $A.date(full);
}

struct Education {
  general @0 :Text $A.required $A.ref(generalEducation);
  professional @1 :List(Qualification);
  politicalTheory @2 :Text $A.ref(politicalTheory);
  stateManagement @3 :Text $A.ref(stateManagement);
  languages @4 :List(Language);
  it @5 :Text $A.ref(itLevel);

  struct Qualification {
    level @0 :Text $A.required $A.ref(professionalLevel);
    major @1 :Text;
  }
  struct Language {
    language @0 :Text $A.required;
    level @1 :Text $A.ref(foreignLanguage);
  }
}

struct Party {
  admittedOn @0 :Text $A.date(partial);
  officialOn @1 :Text $A.date(partial);
}

struct Military {
  enlistedOn @0 :Text $A.date(partial);
  dischargedOn @1 :Text $A.date(partial);
  highestRank @2 :Text;
}

struct Health {
  status @0 :Text;
  heightCm @1 :UInt16 $A.range((min = 0, max = 300));
  weightKg @2 :UInt16 $A.range((min = 0, max = 500));
  bloodGroup @3 :Text;
}

struct PersonalHistory {
  detention @0 :Text $A.longText;
  formerRegime @1 :Text $A.longText;
  foreignLinks @2 :Text $A.longText;
}

enum TrainingDimension {
  unspecified @0; professional @1; politicalTheory @2; stateManagement @3; foreignLanguage @4;
  it @5;
}

struct Training {
  institution @0 :Text $A.required;
  major @1 :Text;
  from @2 :Text $A.date(partial);
  to @3 :Text $A.date(partial);
  mode @4 :Text $A.ref(trainingMode);
  diploma @5 :Text;
  dimension @6 :TrainingDimension;
  effectiveDate @7 :Text $A.required $A.date(full);
  decision @8 :Decision;
  recordedAt @9 :Text $A.engineSet;
}

struct WorkPeriod {
  from @0 :Text $A.required $A.date(partial);
  to @1 :Text $A.date(partial);
  position @2 :Text;
  unit @3 :Text;
  organisation @4 :Text;
  recordedAt @5 :Text $A.engineSet;
}

enum AppointmentKind { unspecified @0; boNhiem @1; boNhiemLai @2; mienNhiem @3; thoiGiuChucVu @4; }

struct Appointment {
  kind @0 :AppointmentKind $A.required;
  position @1 :Text $A.required;
  unit @2 :Text;
  termEnd @3 :Text $A.date(full);
  allowanceCoefficient @4 :Float64 $A.range((min = 0, max = 5));
  effectiveDate @5 :Text $A.required $A.date(full);
  decision @6 :Decision;
  recordedAt @7 :Text $A.engineSet;
}

enum TransferKind { unspecified @0; dieuDong @1; luanChuyen @2; bietPhai @3; }

struct Transfer {
  kind @0 :TransferKind $A.required;
  fromUnit @1 :Text;
  toUnit @2 :Text $A.required;
  start @3 :Text $A.date(full);
  plannedEnd @4 :Text $A.date(full);
  returnedOn @5 :Text $A.date(full);
  effectiveDate @6 :Text $A.required $A.date(full);
  decision @7 :Decision;
  recordedAt @8 :Text $A.engineSet;
}

enum SalaryReason {
  unspecified @0; nangBacThuongXuyen @1; nangBacTruocThoiHan @2; nangNgach @3; chuyenNgach @4;
  chuyenXepLuong @5; tuyenDung @6;
}

struct SalaryStep {
  rankCode @0 :Text $A.required $A.ref(rank);
  step @1 :UInt8 $A.required $A.range((min = 1, max = 20));
  coefficient @2 :Float64 $A.required $A.range((min = 0.5, max = 20));
  seniorityAllowancePercent @3 :Float64 $A.range((min = 0, max = 100));
  reservedDifference @4 :Float64 $A.range((min = 0, max = 20));
  reason @5 :SalaryReason $A.required;
  effectiveDate @6 :Text $A.required $A.date(full);
  decision @7 :Decision;
  recordedAt @8 :Text $A.engineSet;
}

struct Allowance {
  type @0 :Text $A.required;
  coefficient @1 :Float64 $A.range((min = 0, max = 20));
  percent @2 :Float64 $A.range((min = 0, max = 100));
  from @3 :Text $A.date(full);
  to @4 :Text $A.date(full);
  effectiveDate @5 :Text $A.required $A.date(full);
  decision @6 :Decision;
  recordedAt @7 :Text $A.engineSet;
}

enum EvaluationResult { unspecified @0; xuatSac @1; tot @2; hoanThanh @3; hanChe @4; khongHoanThanh @5; }

struct Evaluation {
  year @0 :UInt16 $A.required $A.range((min = 1945, max = 2200));
  result @1 :EvaluationResult $A.required;
  comment @2 :Text $A.longText;
  effectiveDate @3 :Text $A.required $A.date(full);
  recordedAt @4 :Text $A.engineSet;
}

struct Reward {
  year @0 :UInt16 $A.required $A.range((min = 1945, max = 2200));
  form @1 :Text $A.required;
  level @2 :Text;
  reason @3 :Text;
  effectiveDate @4 :Text $A.required $A.date(full);
  decision @5 :Decision;
  recordedAt @6 :Text $A.engineSet;
}

enum DisciplineForm {
  unspecified @0; khienTrach @1; canhCao @2; haBacLuong @3; giangChuc @4; cachChuc @5;
  buocThoiViec @6; baiNhiem @7;
}

struct Discipline {
  form @0 :DisciplineForm $A.required;
  reason @1 :Text $A.longText;
  expiresOn @2 :Text $A.date(full);
  effectiveDate @3 :Text $A.required $A.date(full);
  decision @4 :Decision;
  recordedAt @5 :Text $A.engineSet;
}

enum FamilySide { unspecified @0; self @1; spouse @2; }
enum Relation { unspecified @0; bo @1; me @2; vo @3; chong @4; con @5; anhChiEm @6; }

struct FamilyMember {
  side @0 :FamilySide $A.required;
  relation @1 :Relation $A.required;
  fullName @2 :Text $A.required;
  birthYear @3 :UInt16 $A.range((min = 1850, max = 2200));
  livesAbroad @4 :Bool;
  details @5 :Text;
  recordedAt @6 :Text $A.engineSet;
}

enum DeclarationKind { unspecified @0; lanDau @1; hangNam @2; boNhiem @3; }

struct AssetDeclaration {
  year @0 :UInt16 $A.required $A.range((min = 1945, max = 2200));
  kind @1 :DeclarationKind $A.required;
  items @2 :List(Item);
  totalIncomeVnd @3 :Float64 $A.range((min = 0, max = 9e15));
  explanation @4 :Text $A.longText;
  effectiveDate @5 :Text $A.required $A.date(full);
  recordedAt @6 :Text $A.engineSet;

  struct Item {
    kind @0 :Text $A.required;
    description @1 :Text;
    valueVnd @2 :Float64 $A.range((min = 0, max = 9e15));
    owner @3 :Text;
  }
}

struct AnnualSupplement {
  year @0 :UInt16 $A.required $A.range((min = 1945, max = 2200));
  declaredOn @1 :Text $A.required $A.date(full);
  changes @2 :Text $A.longText;
  signed @3 :Bool;
  effectiveDate @4 :Text $A.required $A.date(full);
  recordedAt @5 :Text $A.engineSet;
}

struct Dossier {
  id @0 :Text $A.engineSet;
  managingUnit @1 :Text $A.required $A.ref(unit);
  workingUnit @2 :Text $A.required $A.ref(unit);
  staffNumber @3 :Text;
  category @4 :Category $A.required;
  status @5 :DossierStatus $A.required;
  name @6 :PersonName $A.required;
  otherNames @7 :Text;
  birthDate @8 :Text $A.required $A.date(partial);
  gender @9 :Gender $A.required;
  birthPlace @10 :Text $A.required;
  hometown @11 :Text $A.required;
  ethnicity @12 :Text $A.required $A.ref(ethnicity) $A.sensitivity(personal);
  religion @13 :Text $A.required $A.ref(religion) $A.sensitivity(personal);
  permanentAddress @14 :Text $A.required $A.sensitivity(personal);
  currentAddress @15 :Text $A.required $A.sensitivity(personal);
  phone @16 :Text $A.sensitivity(personal);
  email @17 :Text $A.sensitivity(personal);
  nationalId @18 :NationalId $A.required $A.sensitivity(personal);
  socialInsuranceNo @19 :Text $A.sensitivity(personal);
  healthInsuranceNo @20 :Text $A.sensitivity(personal);
  familyOrigin @21 :Text $A.sensitivity(personal);
  occupationBeforeRecruitment @22 :Text;
  recruitment @23 :Recruitment $A.required;
  currentPositions @24 :List(Text);
  mainDuties @25 :Text $A.longText;
  rank @26 :Rank $A.required;
  education @27 :Education $A.required;
  party @28 :Party $A.sensitivity(personal);
  massOrganizations @29 :Text $A.sensitivity(personal);
  military @30 :Military $A.sensitivity(personal);
  honorTitle @31 :Text;
  strengths @32 :Text;
  health @33 :Health $A.sensitivity(personal);
  warInvalidGrade @34 :Text $A.sensitivity(personal);
  policyFamily @35 :Text $A.sensitivity(personal);
  personalHistory @36 :PersonalHistory $A.sensitivity(confidential);
  assessment @37 :Text $A.longText $A.sensitivity(confidential);

  training @38 :List(Training);
  workHistory @39 :List(WorkPeriod);
  appointments @40 :List(Appointment);
  transfers @41 :List(Transfer);
  salaryHistory @42 :List(SalaryStep);
  allowances @43 :List(Allowance);
  evaluations @44 :List(Evaluation) $A.sensitivity(confidential);
  rewards @45 :List(Reward);
  disciplines @46 :List(Discipline) $A.sensitivity(confidential);
  family @47 :List(FamilyMember) $A.sensitivity(personal);
  assetDeclarations @48 :List(AssetDeclaration) $A.sensitivity(confidential);
  annualSupplements @49 :List(AnnualSupplement);
}
