/**
 * Program IDL in camelCase format in order to be used in JS/TS.
 *
 * Note that this is only a type helper and is not the actual IDL. The original
 * IDL can be found at `target/idl/joule_certificates.json`.
 */
export type JouleCertificates = {
  "address": "8EAq1WJtRZjEMchr1rHMxohNQjXUD8WCQLEgb8h3JXrx",
  "metadata": {
    "name": "jouleCertificates",
    "version": "0.1.0",
    "spec": "0.1.0",
    "description": "Joule certificates: energy renewable certificates (ERC) issued against registry meters, transferred, split, retired or revoked"
  },
  "instructions": [
    {
      "name": "initialize",
      "docs": [
        "Registry admin only, once: creates the certificates Config PDA naming the certificate authority."
      ],
      "discriminator": [
        175,
        175,
        109,
        31,
        13,
        152,
        155,
        237
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The registry admin; pays for the config."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "registryConfig",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (proves the signer is its admin)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "authority",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "proposeAuthority",
      "docs": [
        "Authority: proposes a successor, who must accept_authority. The default address withdraws a proposal."
      ],
      "discriminator": [
        20,
        148,
        236,
        198,
        76,
        119,
        99,
        142
      ],
      "accounts": [
        {
          "name": "authority",
          "docs": [
            "The certificate authority."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "newAuthority",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "acceptAuthority",
      "docs": [
        "The proposed authority accepts and becomes the certificate authority."
      ],
      "discriminator": [
        107,
        86,
        198,
        91,
        33,
        12,
        107,
        160
      ],
      "accounts": [
        {
          "name": "newAuthority",
          "docs": [
            "The proposed authority."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "setPause",
      "docs": [
        "Authority: sets the pause flags (1 = issue, 2 = transfer and split, 4 = retire; 0 = nothing paused). Revocation is never paused."
      ],
      "discriminator": [
        63,
        32,
        154,
        2,
        56,
        103,
        79,
        45
      ],
      "accounts": [
        {
          "name": "authority",
          "docs": [
            "The certificate authority."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "flags",
          "type": "u8"
        }
      ]
    },
    {
      "name": "issueCertificate",
      "docs": [
        "Authority: certifies amount_wh of a renewable meter's exported energy not yet certified, over [period_start, period_end] (end no later than the meter's last reading). The registry records it in the meter's certified_wh (CPI signed by the PDA [\"certifier\"]); the new Certificate PDA [\"certificate\", id] (bump 255) belongs to the meter owner. id must be a usable id (its bump-255 address is a valid PDA) from the config's next_certificate_id up to 63 past it. Only this instruction consumes ids, so no holder can take the one the authority is issuing."
      ],
      "discriminator": [
        61,
        197,
        55,
        28,
        159,
        18,
        132,
        128
      ],
      "accounts": [
        {
          "name": "authority",
          "docs": [
            "The certificate authority."
          ],
          "signer": true
        },
        {
          "name": "payer",
          "docs": [
            "Pays the new certificate's rent."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "certificate",
          "docs": [
            "The Certificate PDA [\"certificate\", id as u64 LE], created here with bump 255: id must be usable, i.e. its canonical bump is 255 (see next_usable_id), so the PDA a client derives is the one the program accepts."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  101,
                  114,
                  116,
                  105,
                  102,
                  105,
                  99,
                  97,
                  116,
                  101
                ]
              },
              {
                "kind": "arg",
                "path": "id"
              }
            ]
          }
        },
        {
          "name": "registryConfig",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "meter",
          "docs": [
            "The registry Meter PDA [\"meter\", meter_id] of the registry program whose energy is certified."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  101,
                  116,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "meter.meterId",
                "account": "meter"
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "certifier",
          "address": "AcJYdNMYs9EvYEKkAWnPbX1AfcWCNPy9YNTAqX8zpGF7",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  101,
                  114,
                  116,
                  105,
                  102,
                  105,
                  101,
                  114
                ]
              }
            ]
          }
        },
        {
          "name": "registryProgram",
          "address": "8k4PYFJ8nuuGYxU1zbUjEN6Tv9apLF48NNGWc8pdDqEs"
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "amountWh",
          "type": "u64"
        },
        {
          "name": "periodStart",
          "type": "i64"
        },
        {
          "name": "periodEnd",
          "type": "i64"
        },
        {
          "name": "id",
          "type": "u64"
        }
      ]
    },
    {
      "name": "transferCertificate",
      "docs": [
        "Owner: transfers an active certificate, whole, to new_owner."
      ],
      "discriminator": [
        0,
        215,
        102,
        104,
        210,
        244,
        186,
        7
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The certificate owner."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "certificate",
          "docs": [
            "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is."
          ],
          "writable": true
        }
      ],
      "args": [
        {
          "name": "newOwner",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "splitCertificate",
      "docs": [
        "Owner: splits an active certificate in two. The original keeps keep_wh; a new Certificate PDA [\"split\", certificate, split_index as u32 LE] (bump 255) with the same meter, period, source and issuance id receives split_wh, belongs to new_owner and records the original as its parent. Both non-zero, summing exactly to the original amount. split_index must be a usable index (its bump-255 address is a valid PDA) from the original's split_count up to 63 past it. Takes no issuance id."
      ],
      "discriminator": [
        86,
        176,
        65,
        228,
        200,
        73,
        231,
        82
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The certificate owner."
          ],
          "signer": true
        },
        {
          "name": "payer",
          "docs": [
            "Pays the new certificate's rent."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "certificate",
          "docs": [
            "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is."
          ],
          "writable": true
        },
        {
          "name": "newCertificate",
          "docs": [
            "The Certificate PDA [\"split\", certificate, split_index as u32 LE], created here with bump 255: split_index must be usable, i.e. its canonical bump is 255 (see next_split_index), so the PDA a client derives is the one the program accepts."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  115,
                  112,
                  108,
                  105,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "certificate"
              },
              {
                "kind": "arg",
                "path": "splitIndex"
              }
            ]
          }
        },
        {
          "name": "rent",
          "address": "SysvarRent111111111111111111111111111111111"
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "keepWh",
          "type": "u64"
        },
        {
          "name": "splitWh",
          "type": "u64"
        },
        {
          "name": "newOwner",
          "type": "pubkey"
        },
        {
          "name": "splitIndex",
          "type": "u32"
        }
      ]
    },
    {
      "name": "retireCertificate",
      "docs": [
        "Owner: retires an active certificate for a beneficiary (key, default if none, and a 1 to 64 byte name) with a 1 to 128 byte reason. Final."
      ],
      "discriminator": [
        99,
        8,
        130,
        180,
        89,
        9,
        203,
        225
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The certificate owner."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "certificate",
          "docs": [
            "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is."
          ],
          "writable": true
        }
      ],
      "args": [
        {
          "name": "beneficiary",
          "type": "pubkey"
        },
        {
          "name": "beneficiaryName",
          "type": "string"
        },
        {
          "name": "reason",
          "type": "string"
        }
      ]
    },
    {
      "name": "revokeCertificate",
      "docs": [
        "Authority: revokes an active certificate with a 1 to 128 byte reason. Final; the energy stays certified, so it can never be certified again. Not affected by pause."
      ],
      "discriminator": [
        236,
        5,
        130,
        119,
        9,
        164,
        130,
        122
      ],
      "accounts": [
        {
          "name": "authority",
          "docs": [
            "The certificate authority."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The certificates Config PDA [\"config\"] (canonical bump)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "certificate",
          "docs": [
            "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is."
          ],
          "writable": true
        }
      ],
      "args": [
        {
          "name": "reason",
          "type": "string"
        }
      ]
    }
  ],
  "accounts": [
    {
      "name": "config",
      "discriminator": [
        155,
        12,
        170,
        224,
        30,
        250,
        204,
        130
      ]
    },
    {
      "name": "certificate",
      "discriminator": [
        202,
        229,
        222,
        220,
        116,
        20,
        74,
        67
      ]
    }
  ],
  "events": [
    {
      "name": "initialized",
      "discriminator": [
        208,
        213,
        115,
        98,
        115,
        82,
        201,
        209
      ]
    },
    {
      "name": "authorityProposed",
      "discriminator": [
        244,
        117,
        94,
        112,
        53,
        151,
        35,
        89
      ]
    },
    {
      "name": "authorityAccepted",
      "discriminator": [
        166,
        192,
        219,
        188,
        41,
        209,
        195,
        26
      ]
    },
    {
      "name": "pauseSet",
      "discriminator": [
        175,
        57,
        198,
        136,
        192,
        66,
        204,
        73
      ]
    },
    {
      "name": "certificateIssued",
      "discriminator": [
        62,
        59,
        26,
        207,
        181,
        234,
        201,
        52
      ]
    },
    {
      "name": "certificateTransferred",
      "discriminator": [
        236,
        75,
        227,
        202,
        62,
        24,
        221,
        37
      ]
    },
    {
      "name": "certificateSplit",
      "discriminator": [
        215,
        80,
        191,
        58,
        175,
        169,
        246,
        41
      ]
    },
    {
      "name": "certificateRetired",
      "discriminator": [
        64,
        57,
        149,
        238,
        200,
        149,
        46,
        123
      ]
    },
    {
      "name": "certificateRevoked",
      "discriminator": [
        99,
        180,
        224,
        20,
        200,
        221,
        133,
        47
      ]
    }
  ],
  "errors": [
    {
      "code": 6000,
      "name": "notRegistryAdmin",
      "msg": "Only the registry admin may initialize the certificates program."
    },
    {
      "code": 6001,
      "name": "notAuthority",
      "msg": "The signer is not the certificate authority."
    },
    {
      "code": 6002,
      "name": "notPendingAuthority",
      "msg": "The signer is not the proposed certificate authority."
    },
    {
      "code": 6003,
      "name": "invalidAuthority",
      "msg": "The certificate authority must not be the default address."
    },
    {
      "code": 6004,
      "name": "paused",
      "msg": "This action is paused by the certificate authority."
    },
    {
      "code": 6005,
      "name": "invalidPauseFlags",
      "msg": "The pause flags contain unknown bits."
    },
    {
      "code": 6006,
      "name": "registryPaused",
      "msg": "Certificate issuance is paused by the registry admin."
    },
    {
      "code": 6007,
      "name": "zeroAmount",
      "msg": "The amount must be greater than zero."
    },
    {
      "code": 6008,
      "name": "meterNotRegistered",
      "msg": "The meter account is not a registered registry meter."
    },
    {
      "code": 6009,
      "name": "meterNotActive",
      "msg": "The meter is not active (pending verification or suspended)."
    },
    {
      "code": 6010,
      "name": "notRenewable",
      "msg": "Consumption-only meters generate no renewable energy to certify."
    },
    {
      "code": 6011,
      "name": "invalidPeriod",
      "msg": "The period must start before it ends and end no later than the meter's last reading."
    },
    {
      "code": 6012,
      "name": "certificationExceedsExport",
      "msg": "The amount exceeds the meter's exported energy not yet certified."
    },
    {
      "code": 6013,
      "name": "notCertificateOwner",
      "msg": "The signer does not own this certificate."
    },
    {
      "code": 6014,
      "name": "certificateRetired",
      "msg": "The certificate is retired; retirement is final."
    },
    {
      "code": 6015,
      "name": "certificateRevoked",
      "msg": "The certificate was revoked by the certificate authority."
    },
    {
      "code": 6016,
      "name": "splitAmountMismatch",
      "msg": "The two parts of a split must sum exactly to the certificate's amount."
    },
    {
      "code": 6017,
      "name": "invalidNewOwner",
      "msg": "The new owner must not be the default address."
    },
    {
      "code": 6018,
      "name": "invalidBeneficiaryName",
      "msg": "The beneficiary name must be 1 to 64 bytes of UTF-8."
    },
    {
      "code": 6019,
      "name": "invalidReason",
      "msg": "The reason must be 1 to 128 bytes of UTF-8."
    },
    {
      "code": 6020,
      "name": "arithmeticOverflow",
      "msg": "An amount or id overflowed a 64-bit counter."
    },
    {
      "code": 6021,
      "name": "invalidCertificateId",
      "msg": "The new certificate id must be a usable id from the config's next id up to 63 past it."
    },
    {
      "code": 6022,
      "name": "invalidSplitIndex",
      "msg": "The split part's index must be a usable index from the certificate's split count up to 63 past it."
    }
  ],
  "types": [
    {
      "name": "config",
      "docs": [
        "Certificates config, PDA [\"config\"]: the certificate authority, pause flags and the lowest id the next issued certificate may take."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "nextCertificateId",
            "type": "u64"
          },
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "pendingAuthority",
            "type": "pubkey"
          },
          {
            "name": "pauseFlags",
            "type": "u8"
          },
          {
            "name": "version",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "padding",
            "type": {
              "array": [
                "u8",
                5
              ]
            }
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                64
              ]
            }
          }
        ]
      }
    },
    {
      "name": "certificate",
      "docs": [
        "An energy renewable certificate, PDA [\"certificate\", id as u64 LE] if issued or [\"split\", parent, split_index as u32 LE] if split off, always with bump 255. id is the issuance id (a split part carries its root's); parent is the certificate a part was split off (default if issued); split_count is the lowest index the next part split off this one may take."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "id",
            "type": "u64"
          },
          {
            "name": "splitCount",
            "type": "u32"
          },
          {
            "name": "splitIndex",
            "type": "u32"
          },
          {
            "name": "amountWh",
            "type": "u64"
          },
          {
            "name": "periodStart",
            "type": "i64"
          },
          {
            "name": "periodEnd",
            "type": "i64"
          },
          {
            "name": "issuedAt",
            "type": "i64"
          },
          {
            "name": "closedAt",
            "type": "i64"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "beneficiary",
            "type": "pubkey"
          },
          {
            "name": "utilityId",
            "type": {
              "array": [
                "u8",
                16
              ]
            }
          },
          {
            "name": "beneficiaryName",
            "type": {
              "array": [
                "u8",
                64
              ]
            }
          },
          {
            "name": "reason",
            "type": {
              "array": [
                "u8",
                128
              ]
            }
          },
          {
            "name": "beneficiaryNameLen",
            "type": "u8"
          },
          {
            "name": "reasonLen",
            "type": "u8"
          },
          {
            "name": "sourceKind",
            "docs": [
              "MeterKind: 0 Solar, 1 Wind, 2 Hydro, 3 Biomass, 4 Geothermal, 5 ConsumptionOnly"
            ],
            "type": "u8"
          },
          {
            "name": "status",
            "docs": [
              "CertificateStatus: 0 Active, 1 Retired, 2 Revoked"
            ],
            "type": "u8"
          },
          {
            "name": "version",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "padding",
            "type": {
              "array": [
                "u8",
                2
              ]
            }
          },
          {
            "name": "parent",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "certificateStatus",
      "docs": [
        "Active (transferable) until retired by its owner or revoked by the authority; both are final."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "active"
          },
          {
            "name": "retired"
          },
          {
            "name": "revoked"
          }
        ]
      }
    },
    {
      "name": "meterKind",
      "docs": [
        "The energy source: the registry meter's kind (never ConsumptionOnly for a certificate)."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "solar"
          },
          {
            "name": "wind"
          },
          {
            "name": "hydro"
          },
          {
            "name": "biomass"
          },
          {
            "name": "geothermal"
          },
          {
            "name": "consumptionOnly"
          }
        ]
      }
    },
    {
      "name": "meter",
      "docs": [
        "The registry program's Meter account (PDA [\"meter\", meter_id] of the registry): issue_certificate's meter seeds read its meter_id."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "pendingOwner",
            "type": "pubkey"
          },
          {
            "name": "meterId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "utilityId",
            "type": {
              "array": [
                "u8",
                16
              ]
            }
          },
          {
            "name": "ratedPowerW",
            "type": "u64"
          },
          {
            "name": "registeredAt",
            "type": "i64"
          },
          {
            "name": "lastReadingTs",
            "type": "i64"
          },
          {
            "name": "exportRegisterWh",
            "type": "u64"
          },
          {
            "name": "importRegisterWh",
            "type": "u64"
          },
          {
            "name": "exportedWh",
            "type": "u64"
          },
          {
            "name": "importedWh",
            "type": "u64"
          },
          {
            "name": "mintedWh",
            "type": "u64"
          },
          {
            "name": "certifiedWh",
            "type": "u64"
          },
          {
            "name": "redeemedWh",
            "type": "u64"
          },
          {
            "name": "kind",
            "docs": [
              "MeterKind: 0 Solar, 1 Wind, 2 Hydro, 3 Biomass, 4 Geothermal, 5 ConsumptionOnly"
            ],
            "type": "u8"
          },
          {
            "name": "status",
            "docs": [
              "MeterStatus: 0 Pending, 1 Active, 2 Suspended"
            ],
            "type": "u8"
          },
          {
            "name": "version",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "padding",
            "type": {
              "array": [
                "u8",
                4
              ]
            }
          },
          {
            "name": "activatedAt",
            "type": "i64"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                56
              ]
            }
          }
        ]
      }
    },
    {
      "name": "initialized",
      "docs": [
        "The registry admin initialised the certificates program."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "admin",
            "type": "pubkey"
          },
          {
            "name": "authority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "authorityProposed",
      "docs": [
        "The certificate authority proposed a successor (default address = proposal withdrawn)."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "pendingAuthority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "authorityAccepted",
      "docs": [
        "The proposed certificate authority accepted."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "oldAuthority",
            "type": "pubkey"
          },
          {
            "name": "newAuthority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "pauseSet",
      "docs": [
        "Pause flags changed."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "flagsBefore",
            "type": "u8"
          },
          {
            "name": "flagsAfter",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "certificateIssued",
      "docs": [
        "A certificate was issued against a meter's renewable exported energy."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "certificate",
            "type": "pubkey"
          },
          {
            "name": "id",
            "type": "u64"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "amountWh",
            "type": "u64"
          },
          {
            "name": "periodStart",
            "type": "i64"
          },
          {
            "name": "periodEnd",
            "type": "i64"
          },
          {
            "name": "sourceKind",
            "type": {
              "defined": {
                "name": "meterKind"
              }
            }
          },
          {
            "name": "certifiedWhBefore",
            "type": "u64"
          },
          {
            "name": "certifiedWhAfter",
            "type": "u64"
          },
          {
            "name": "exportedWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "certificateTransferred",
      "docs": [
        "A certificate changed owner, whole."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "certificate",
            "type": "pubkey"
          },
          {
            "name": "id",
            "type": "u64"
          },
          {
            "name": "oldOwner",
            "type": "pubkey"
          },
          {
            "name": "newOwner",
            "type": "pubkey"
          },
          {
            "name": "amountWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "certificateSplit",
      "docs": [
        "A certificate was split in two: the original (owner unchanged) keeps amount_wh_after; the new part, PDA [\"split\", certificate, split_index] owned by new_owner, holds new_amount_wh."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "certificate",
            "type": "pubkey"
          },
          {
            "name": "splitIndex",
            "type": "u32"
          },
          {
            "name": "newOwner",
            "type": "pubkey"
          },
          {
            "name": "amountWhBefore",
            "type": "u64"
          },
          {
            "name": "amountWhAfter",
            "type": "u64"
          },
          {
            "name": "newAmountWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "certificateRetired",
      "docs": [
        "A certificate was retired for a beneficiary; final."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "certificate",
            "type": "pubkey"
          },
          {
            "name": "id",
            "type": "u64"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "beneficiary",
            "type": "pubkey"
          },
          {
            "name": "amountWh",
            "type": "u64"
          },
          {
            "name": "beneficiaryName",
            "type": "string"
          },
          {
            "name": "reason",
            "type": "string"
          }
        ]
      }
    },
    {
      "name": "certificateRevoked",
      "docs": [
        "The certificate authority revoked a certificate; final, and its energy stays certified."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "certificate",
            "type": "pubkey"
          },
          {
            "name": "id",
            "type": "u64"
          },
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "amountWh",
            "type": "u64"
          },
          {
            "name": "reason",
            "type": "string"
          }
        ]
      }
    }
  ],
  "constants": [
    {
      "name": "seedConfig",
      "type": "bytes",
      "value": "[99, 111, 110, 102, 105, 103]"
    },
    {
      "name": "seedCertificate",
      "type": "bytes",
      "value": "[99, 101, 114, 116, 105, 102, 105, 99, 97, 116, 101]"
    },
    {
      "name": "certificateBump",
      "type": "u8",
      "value": "255"
    },
    {
      "name": "seedSplit",
      "type": "bytes",
      "value": "[115, 112, 108, 105, 116]"
    },
    {
      "name": "maxIdSkip",
      "type": "u64",
      "value": "64"
    },
    {
      "name": "maxSplitIndexSkip",
      "type": "u32",
      "value": "64"
    },
    {
      "name": "maxBeneficiaryNameLen",
      "type": "u8",
      "value": "64"
    },
    {
      "name": "maxReasonLen",
      "type": "u8",
      "value": "128"
    },
    {
      "name": "pauseIssue",
      "type": "u8",
      "value": "1"
    },
    {
      "name": "pauseTransfer",
      "type": "u8",
      "value": "2"
    },
    {
      "name": "pauseRetire",
      "type": "u8",
      "value": "4"
    }
  ]
};
