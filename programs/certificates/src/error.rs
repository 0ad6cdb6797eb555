//! Certificates errors: codes from 6000, append-only.

joule_common::define_errors! {
    pub enum CertificatesError {
        NotRegistryAdmin = 6000 => "Only the registry admin may initialize the certificates program.",
        NotAuthority = 6001 => "The signer is not the certificate authority.",
        NotPendingAuthority = 6002 => "The signer is not the proposed certificate authority.",
        InvalidAuthority = 6003 => "The certificate authority must not be the default address.",
        Paused = 6004 => "This action is paused by the certificate authority.",
        InvalidPauseFlags = 6005 => "The pause flags contain unknown bits.",
        RegistryPaused = 6006 => "Certificate issuance is paused by the registry admin.",
        ZeroAmount = 6007 => "The amount must be greater than zero.",
        MeterNotRegistered = 6008 => "The meter account is not a registered registry meter.",
        MeterNotActive = 6009 => "The meter is not active (pending verification or suspended).",
        NotRenewable = 6010 => "Consumption-only meters generate no renewable energy to certify.",
        InvalidPeriod = 6011 => "The period must start before it ends and end no later than the meter's last reading.",
        CertificationExceedsExport = 6012 => "The amount exceeds the meter's exported energy not yet certified.",
        NotCertificateOwner = 6013 => "The signer does not own this certificate.",
        CertificateRetired = 6014 => "The certificate is retired; retirement is final.",
        CertificateRevoked = 6015 => "The certificate was revoked by the certificate authority.",
        SplitAmountMismatch = 6016 => "The two parts of a split must sum exactly to the certificate's amount.",
        InvalidNewOwner = 6017 => "The new owner must not be the default address.",
        InvalidBeneficiaryName = 6018 => "The beneficiary name must be 1 to 64 bytes of UTF-8.",
        InvalidReason = 6019 => "The reason must be 1 to 128 bytes of UTF-8.",
        ArithmeticOverflow = 6020 => "An amount or id overflowed a 64-bit counter.",
        InvalidCertificateId = 6021 => "The new certificate id must be a usable id from the config's next id up to 63 past it.",
        InvalidSplitIndex = 6022 => "The split part's index must be a usable index from the certificate's split count up to 63 past it.",
    }
}
