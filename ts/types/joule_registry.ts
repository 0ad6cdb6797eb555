/**
 * Program IDL in camelCase format in order to be used in JS/TS.
 *
 * Note that this is only a type helper and is not the actual IDL. The original
 * IDL can be found at `target/idl/joule_registry.json`.
 */
export type JouleRegistry = {
  "address": "8k4PYFJ8nuuGYxU1zbUjEN6Tv9apLF48NNGWc8pdDqEs",
  "metadata": {
    "name": "jouleRegistry",
    "version": "0.1.0",
    "spec": "0.1.0",
    "description": "Joule registry: config and oracle set, meters, oracle readings, energy-token minting, consumption redemption"
  },
  "instructions": [
    {
      "name": "initialize",
      "docs": [
        "The program's upgrade authority creates the Config PDA (signer = admin) and the energy mint PDA (3 decimals, mint authority the Config PDA). Once only."
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
            "The program's upgrade authority; becomes the admin and pays for both accounts."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "energyMint",
          "docs": [
            "The energy mint PDA [\"energy_mint\"]."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  101,
                  110,
                  101,
                  114,
                  103,
                  121,
                  95,
                  109,
                  105,
                  110,
                  116
                ]
              }
            ]
          }
        },
        {
          "name": "programData",
          "address": "3mU38akzR7QAkMP5x1XzUMjXaTGAMniRXfnFGH9kvscW",
          "pda": {
            "seeds": [
              {
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
            ],
            "program": {
              "kind": "const",
              "value": [
                2,
                168,
                246,
                145,
                78,
                136,
                161,
                176,
                226,
                16,
                21,
                62,
                247,
                99,
                174,
                43,
                0,
                194,
                185,
                61,
                22,
                193,
                36,
                210,
                192,
                83,
                122,
                16,
                4,
                128,
                0,
                0
              ]
            }
          }
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": []
    },
    {
      "name": "proposeAdmin",
      "docs": [
        "Admin: proposes a successor, who must accept_admin. The default address withdraws a proposal."
      ],
      "discriminator": [
        121,
        214,
        199,
        212,
        87,
        39,
        117,
        234
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "newAdmin",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "acceptAdmin",
      "docs": [
        "The proposed admin accepts and becomes admin."
      ],
      "discriminator": [
        112,
        42,
        45,
        90,
        116,
        181,
        13,
        170
      ],
      "accounts": [
        {
          "name": "newAdmin",
          "docs": [
            "The proposed admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
      "name": "setOracles",
      "docs": [
        "Admin: removes, then adds, oracle keys (capacity 8). Fails as a whole on an unknown removal, a duplicate addition or overflow."
      ],
      "discriminator": [
        85,
        38,
        75,
        154,
        116,
        41,
        90,
        188
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "add",
          "type": {
            "vec": "pubkey"
          }
        },
        {
          "name": "remove",
          "type": {
            "vec": "pubkey"
          }
        }
      ]
    },
    {
      "name": "setPause",
      "docs": [
        "Admin: sets the pause flags (1 = registry, 2 = market, 4 = certificates; 0 = nothing paused)."
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
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
      "name": "registerMeter",
      "docs": [
        "The owner registers a physical meter: creates its Meter PDA, pending verification. bump must be the canonical bump of [\"meter\", meter_id] (the one findProgramAddress returns)."
      ],
      "discriminator": [
        49,
        106,
        87,
        72,
        138,
        214,
        224,
        125
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The meter owner; pays for the account."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id], created here; the bump argument must be its canonical bump."
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
                "kind": "arg",
                "path": "meterId"
              }
            ]
          }
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
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
          "name": "kind",
          "type": {
            "defined": {
              "name": "meterKind"
            }
          }
        },
        {
          "name": "ratedPowerW",
          "type": "u64"
        },
        {
          "name": "bump",
          "type": "u8"
        }
      ]
    },
    {
      "name": "activateMeter",
      "docs": [
        "Admin: verifies a pending meter or re-activates a suspended one; fails with UnexpectedMeterOwner unless the meter is owned by expected_owner. Every activation resets the reading baseline: readings dated at or before it are skipped and the first one after it credits nothing."
      ],
      "discriminator": [
        65,
        12,
        251,
        174,
        161,
        218,
        80,
        242
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        }
      ],
      "args": [
        {
          "name": "expectedOwner",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "suspendMeter",
      "docs": [
        "Admin: suspends a meter; readings, minting and redemption stop until it is re-activated."
      ],
      "discriminator": [
        152,
        78,
        91,
        80,
        245,
        166,
        226,
        240
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "proposeMeterTransfer",
      "docs": [
        "The meter owner proposes a new owner, who must accept. The default address withdraws a proposal."
      ],
      "discriminator": [
        127,
        7,
        101,
        81,
        216,
        34,
        43,
        135
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The meter owner."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
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
      "name": "acceptMeterTransfer",
      "docs": [
        "The proposed owner accepts the meter."
      ],
      "discriminator": [
        205,
        61,
        64,
        20,
        91,
        200,
        204,
        170
      ],
      "accounts": [
        {
          "name": "newOwner",
          "docs": [
            "The proposed owner."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "submitReadings",
      "docs": [
        "An oracle records cumulative readings; reading i is for remaining account i (a writable Meter). Stale or duplicate readings, and readings dated at or before the meter's activation, are skipped and reported in the return data; the first reading after each activation only sets a new baseline.",
        "Remaining accounts: `meters` (writable) — One writable Meter per reading, in order."
      ],
      "discriminator": [
        13,
        78,
        148,
        94,
        199,
        247,
        126,
        165
      ],
      "accounts": [
        {
          "name": "oracle",
          "docs": [
            "A key of the current oracle set."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
        }
      ],
      "args": [
        {
          "name": "readings",
          "type": {
            "vec": {
              "defined": {
                "name": "reading"
              }
            }
          }
        }
      ],
      "returns": {
        "defined": {
          "name": "submitReadingsResult"
        }
      }
    },
    {
      "name": "mintEnergy",
      "docs": [
        "Permissionless: mints the meter's exported energy not yet minted to the meter owner's energy token account."
      ],
      "discriminator": [
        76,
        31,
        77,
        219,
        98,
        60,
        1,
        241
      ],
      "accounts": [
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        },
        {
          "name": "energyMint",
          "docs": [
            "The energy mint PDA [\"energy_mint\"]."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  101,
                  110,
                  101,
                  114,
                  103,
                  121,
                  95,
                  109,
                  105,
                  110,
                  116
                ]
              }
            ]
          }
        },
        {
          "name": "ownerToken",
          "docs": [
            "An energy token account owned by the meter owner; the IDL's default is the owner's associated token account, any other of the owner's energy token accounts may be given instead."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "account",
                "path": "meter.owner",
                "account": "meter"
              },
              {
                "kind": "const",
                "value": [
                  6,
                  221,
                  246,
                  225,
                  215,
                  101,
                  161,
                  147,
                  217,
                  203,
                  225,
                  70,
                  206,
                  235,
                  121,
                  172,
                  28,
                  180,
                  133,
                  237,
                  95,
                  91,
                  55,
                  145,
                  58,
                  140,
                  245,
                  133,
                  126,
                  255,
                  0,
                  169
                ]
              },
              {
                "kind": "account",
                "path": "energyMint"
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                140,
                151,
                37,
                143,
                78,
                36,
                137,
                241,
                187,
                61,
                16,
                41,
                20,
                142,
                13,
                131,
                11,
                90,
                19,
                153,
                218,
                255,
                16,
                132,
                4,
                142,
                123,
                216,
                219,
                233,
                248,
                89
              ]
            }
          }
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": []
    },
    {
      "name": "redeemConsumption",
      "docs": [
        "The meter owner burns energy tokens against the meter's imported energy not yet redeemed."
      ],
      "discriminator": [
        25,
        234,
        199,
        0,
        66,
        199,
        232,
        44
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The meter owner."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        },
        {
          "name": "energyMint",
          "docs": [
            "The energy mint PDA [\"energy_mint\"]."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  101,
                  110,
                  101,
                  114,
                  103,
                  121,
                  95,
                  109,
                  105,
                  110,
                  116
                ]
              }
            ]
          }
        },
        {
          "name": "ownerToken",
          "docs": [
            "The owner's energy token account (the IDL's default is the owner's associated token account; any other may be given)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "account",
                "path": "owner"
              },
              {
                "kind": "const",
                "value": [
                  6,
                  221,
                  246,
                  225,
                  215,
                  101,
                  161,
                  147,
                  217,
                  203,
                  225,
                  70,
                  206,
                  235,
                  121,
                  172,
                  28,
                  180,
                  133,
                  237,
                  95,
                  91,
                  55,
                  145,
                  58,
                  140,
                  245,
                  133,
                  126,
                  255,
                  0,
                  169
                ]
              },
              {
                "kind": "account",
                "path": "energyMint"
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                140,
                151,
                37,
                143,
                78,
                36,
                137,
                241,
                187,
                61,
                16,
                41,
                20,
                142,
                13,
                131,
                11,
                90,
                19,
                153,
                218,
                255,
                16,
                132,
                4,
                142,
                123,
                216,
                219,
                233,
                248,
                89
              ]
            }
          }
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": [
        {
          "name": "amountWh",
          "type": "u64"
        }
      ]
    },
    {
      "name": "recordCertified",
      "docs": [
        "Certificates program only (its PDA [\"certifier\"] signs by CPI): records certified energy on a renewable meter."
      ],
      "discriminator": [
        114,
        84,
        33,
        250,
        205,
        51,
        181,
        224
      ],
      "accounts": [
        {
          "name": "certifier",
          "docs": [
            "The certificates program's PDA [\"certifier\"] (canonical bump)."
          ],
          "signer": true,
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
            ],
            "program": {
              "kind": "const",
              "value": [
                107,
                97,
                120,
                164,
                117,
                101,
                121,
                84,
                20,
                203,
                239,
                96,
                225,
                89,
                95,
                145,
                139,
                103,
                243,
                160,
                142,
                45,
                36,
                8,
                97,
                28,
                170,
                231,
                64,
                175,
                171,
                17
              ]
            }
          }
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
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
        }
      ]
    },
    {
      "name": "reassignMeter",
      "docs": [
        "Admin: gives a pending or suspended meter to new_owner (a squatted serial, a lost key); clears any pending transfer, resets the reading baseline, keeps the status. Refused for an active meter (MeterIsActive) and while exported energy is not yet minted (UnmintedEnergy)."
      ],
      "discriminator": [
        93,
        209,
        226,
        67,
        51,
        77,
        11,
        238
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
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
      "name": "closeMeter",
      "docs": [
        "Admin: closes a pending (never activated) meter and returns its rent to its owner; the serial can be registered again."
      ],
      "discriminator": [
        102,
        64,
        197,
        208,
        191,
        80,
        153,
        160
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The config admin."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The Config PDA [\"config\"] (canonical bump)."
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
          "name": "meter",
          "docs": [
            "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account)."
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
            ]
          }
        },
        {
          "name": "owner",
          "docs": [
            "The meter owner (the registrant); receives the rent."
          ],
          "writable": true
        }
      ],
      "args": []
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
      "name": "meter",
      "discriminator": [
        5,
        115,
        227,
        240,
        63,
        166,
        206,
        182
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
      "name": "adminProposed",
      "discriminator": [
        129,
        249,
        226,
        227,
        199,
        82,
        110,
        243
      ]
    },
    {
      "name": "adminAccepted",
      "discriminator": [
        174,
        12,
        76,
        139,
        158,
        99,
        110,
        254
      ]
    },
    {
      "name": "oraclesUpdated",
      "discriminator": [
        58,
        88,
        183,
        23,
        108,
        166,
        215,
        213
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
      "name": "meterRegistered",
      "discriminator": [
        148,
        168,
        114,
        254,
        79,
        45,
        218,
        143
      ]
    },
    {
      "name": "meterStatusChanged",
      "discriminator": [
        116,
        151,
        128,
        151,
        111,
        64,
        255,
        66
      ]
    },
    {
      "name": "meterReassigned",
      "discriminator": [
        142,
        124,
        91,
        132,
        176,
        54,
        208,
        41
      ]
    },
    {
      "name": "meterClosed",
      "discriminator": [
        162,
        27,
        161,
        11,
        234,
        35,
        91,
        185
      ]
    },
    {
      "name": "meterTransferProposed",
      "discriminator": [
        240,
        123,
        55,
        94,
        17,
        190,
        4,
        127
      ]
    },
    {
      "name": "meterTransferred",
      "discriminator": [
        232,
        62,
        29,
        205,
        48,
        39,
        92,
        185
      ]
    },
    {
      "name": "readingsSubmitted",
      "discriminator": [
        67,
        75,
        79,
        21,
        2,
        231,
        251,
        254
      ]
    },
    {
      "name": "energyMinted",
      "discriminator": [
        40,
        61,
        69,
        45,
        232,
        138,
        229,
        35
      ]
    },
    {
      "name": "consumptionRedeemed",
      "discriminator": [
        253,
        151,
        129,
        210,
        133,
        77,
        216,
        178
      ]
    },
    {
      "name": "energyCertified",
      "discriminator": [
        166,
        218,
        59,
        209,
        70,
        11,
        86,
        149
      ]
    }
  ],
  "errors": [
    {
      "code": 6000,
      "name": "notAdmin",
      "msg": "The signer is not the config admin."
    },
    {
      "code": 6001,
      "name": "notPendingAdmin",
      "msg": "The signer is not the proposed admin."
    },
    {
      "code": 6002,
      "name": "notOracle",
      "msg": "The signer is not in the current oracle set."
    },
    {
      "code": 6003,
      "name": "oracleSetFull",
      "msg": "The oracle set is full; remove an oracle first."
    },
    {
      "code": 6004,
      "name": "oracleAlreadyPresent",
      "msg": "The oracle is already in the oracle set."
    },
    {
      "code": 6005,
      "name": "oracleNotFound",
      "msg": "The oracle to remove is not in the oracle set."
    },
    {
      "code": 6006,
      "name": "paused",
      "msg": "This action is paused by the admin."
    },
    {
      "code": 6007,
      "name": "invalidPauseFlags",
      "msg": "The pause flags contain unknown bits."
    },
    {
      "code": 6008,
      "name": "invalidMeterKind",
      "msg": "The meter kind is not one of the known kinds."
    },
    {
      "code": 6009,
      "name": "invalidRatedPower",
      "msg": "The rated power must be between 1 W and 1 GW."
    },
    {
      "code": 6010,
      "name": "meterNotRegistered",
      "msg": "The meter account is not a registered meter."
    },
    {
      "code": 6011,
      "name": "meterNotActive",
      "msg": "The meter is not active (pending verification or suspended)."
    },
    {
      "code": 6012,
      "name": "invalidStatusTransition",
      "msg": "The meter is already in that status."
    },
    {
      "code": 6013,
      "name": "notMeterOwner",
      "msg": "The signer does not own this meter."
    },
    {
      "code": 6014,
      "name": "notPendingOwner",
      "msg": "The signer is not the proposed new owner of this meter."
    },
    {
      "code": 6015,
      "name": "readingCountMismatch",
      "msg": "The number of readings does not match the number of meter accounts."
    },
    {
      "code": 6016,
      "name": "emptyBatch",
      "msg": "A readings batch must contain at least one reading."
    },
    {
      "code": 6017,
      "name": "batchTooLarge",
      "msg": "A readings batch may contain at most 64 readings."
    },
    {
      "code": 6018,
      "name": "readingInFuture",
      "msg": "The reading is timestamped more than five minutes ahead of the cluster clock."
    },
    {
      "code": 6019,
      "name": "registerDecreased",
      "msg": "A cumulative register decreased; meter registers never go down."
    },
    {
      "code": 6020,
      "name": "impossibleIncrease",
      "msg": "The register increase exceeds the meter's rated power over the elapsed time."
    },
    {
      "code": 6021,
      "name": "arithmeticOverflow",
      "msg": "An amount overflowed a 64-bit counter."
    },
    {
      "code": 6022,
      "name": "zeroAmount",
      "msg": "The amount must be greater than zero."
    },
    {
      "code": 6023,
      "name": "redeemExceedsImported",
      "msg": "The redemption exceeds the meter's imported energy not yet redeemed."
    },
    {
      "code": 6024,
      "name": "insufficientTokens",
      "msg": "The token account holds fewer energy tokens than the amount."
    },
    {
      "code": 6025,
      "name": "notCertifier",
      "msg": "Only the certificates program's authority may record certified energy."
    },
    {
      "code": 6026,
      "name": "notRenewable",
      "msg": "Consumption-only meters generate no renewable energy to certify."
    },
    {
      "code": 6027,
      "name": "certificationExceedsExport",
      "msg": "The amount exceeds the meter's exported energy not yet certified."
    },
    {
      "code": 6028,
      "name": "invalidCertificationPeriod",
      "msg": "The certification period must start before it ends and end no later than the meter's last reading."
    },
    {
      "code": 6029,
      "name": "invalidNewAuthority",
      "msg": "The proposed authority must not be the default address."
    },
    {
      "code": 6030,
      "name": "notUpgradeAuthority",
      "msg": "Only the registry program's upgrade authority may initialize it."
    },
    {
      "code": 6031,
      "name": "unexpectedMeterOwner",
      "msg": "The meter's owner is not the owner the admin expected."
    },
    {
      "code": 6032,
      "name": "meterIsActive",
      "msg": "An active meter cannot be reassigned; suspend it first."
    },
    {
      "code": 6033,
      "name": "unmintedEnergy",
      "msg": "The meter has exported energy not yet minted; mint it to its owner first."
    },
    {
      "code": 6034,
      "name": "meterNotPending",
      "msg": "Only a pending meter, never activated, can be closed."
    },
    {
      "code": 6035,
      "name": "invalidOracle",
      "msg": "An oracle key must not be the default address."
    }
  ],
  "types": [
    {
      "name": "config",
      "docs": [
        "Protocol config, PDA [\"config\"]; also the energy mint authority."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "admin",
            "type": "pubkey"
          },
          {
            "name": "pendingAdmin",
            "type": "pubkey"
          },
          {
            "name": "energyMint",
            "type": "pubkey"
          },
          {
            "name": "oracles",
            "type": {
              "array": [
                "pubkey",
                8
              ]
            }
          },
          {
            "name": "oracleCount",
            "type": "u8"
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
            "name": "energyMintBump",
            "type": "u8"
          },
          {
            "name": "padding",
            "type": {
              "array": [
                "u8",
                3
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
      "name": "meter",
      "docs": [
        "A physical meter, PDA [\"meter\", meter_id]."
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
      "name": "meterKind",
      "docs": [
        "What a meter measures; all but ConsumptionOnly are renewable generation."
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
      "name": "meterStatus",
      "docs": [
        "Meter lifecycle."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "pending"
          },
          {
            "name": "active"
          },
          {
            "name": "suspended"
          }
        ]
      }
    },
    {
      "name": "reading",
      "docs": [
        "A cumulative reading of a meter's registers."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "timestamp",
            "type": "i64"
          },
          {
            "name": "exportRegisterWh",
            "type": "u64"
          },
          {
            "name": "importRegisterWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "submitReadingsResult",
      "docs": [
        "Return data of submit_readings: bit i of skipped_mask set = reading i skipped."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "applied",
            "type": "u16"
          },
          {
            "name": "skipped",
            "type": "u16"
          },
          {
            "name": "skippedMask",
            "type": "bytes"
          }
        ]
      }
    },
    {
      "name": "readingApplied",
      "docs": [
        "One applied reading in ReadingsSubmitted: the meter's totals after it (before = the previous ReadingApplied of the meter)."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "timestamp",
            "type": "i64"
          },
          {
            "name": "exportedWh",
            "type": "u64"
          },
          {
            "name": "importedWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "initialized",
      "docs": [
        "The registry was initialised."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "admin",
            "type": "pubkey"
          },
          {
            "name": "energyMint",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "adminProposed",
      "docs": [
        "The admin proposed a successor."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "admin",
            "type": "pubkey"
          },
          {
            "name": "pendingAdmin",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "adminAccepted",
      "docs": [
        "The proposed admin accepted."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "oldAdmin",
            "type": "pubkey"
          },
          {
            "name": "newAdmin",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "oraclesUpdated",
      "docs": [
        "The oracle set changed."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "admin",
            "type": "pubkey"
          },
          {
            "name": "added",
            "type": "u8"
          },
          {
            "name": "removed",
            "type": "u8"
          },
          {
            "name": "countBefore",
            "type": "u8"
          },
          {
            "name": "countAfter",
            "type": "u8"
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
            "name": "admin",
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
      "name": "meterRegistered",
      "docs": [
        "A meter was registered (pending verification)."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "owner",
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
            "name": "ratedPowerW",
            "type": "u64"
          },
          {
            "name": "kind",
            "type": {
              "defined": {
                "name": "meterKind"
              }
            }
          }
        ]
      }
    },
    {
      "name": "meterStatusChanged",
      "docs": [
        "The admin activated or suspended a meter."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "statusBefore",
            "type": {
              "defined": {
                "name": "meterStatus"
              }
            }
          },
          {
            "name": "statusAfter",
            "type": {
              "defined": {
                "name": "meterStatus"
              }
            }
          }
        ]
      }
    },
    {
      "name": "meterReassigned",
      "docs": [
        "The admin reassigned a pending or suspended meter to another owner (pending transfer cleared, reading baseline reset)."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "ownerBefore",
            "type": "pubkey"
          },
          {
            "name": "ownerAfter",
            "type": "pubkey"
          },
          {
            "name": "status",
            "type": {
              "defined": {
                "name": "meterStatus"
              }
            }
          }
        ]
      }
    },
    {
      "name": "meterClosed",
      "docs": [
        "The admin closed a pending meter; its rent went back to its owner."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "lamports",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "meterTransferProposed",
      "docs": [
        "A meter owner proposed a new owner."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "pendingOwner",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "meterTransferred",
      "docs": [
        "The proposed owner accepted the meter."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "oldOwner",
            "type": "pubkey"
          },
          {
            "name": "newOwner",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "readingsSubmitted",
      "docs": [
        "A batch of readings was recorded; skipped ones are counted."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "oracle",
            "type": "pubkey"
          },
          {
            "name": "applied",
            "type": "u16"
          },
          {
            "name": "skipped",
            "type": "u16"
          },
          {
            "name": "readings",
            "type": {
              "vec": {
                "defined": {
                  "name": "readingApplied"
                }
              }
            }
          }
        ]
      }
    },
    {
      "name": "energyMinted",
      "docs": [
        "Exported energy was minted to the meter owner."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
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
            "name": "mintedWhBefore",
            "type": "u64"
          },
          {
            "name": "mintedWhAfter",
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
      "name": "consumptionRedeemed",
      "docs": [
        "Tokens were burned against imported energy: the record a utility bills against."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
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
            "name": "redeemedWhBefore",
            "type": "u64"
          },
          {
            "name": "redeemedWhAfter",
            "type": "u64"
          },
          {
            "name": "importedWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "energyCertified",
      "docs": [
        "The certificates program recorded certified energy on a meter."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "meter",
            "type": "pubkey"
          },
          {
            "name": "amountWh",
            "type": "u64"
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
    }
  ],
  "constants": [
    {
      "name": "seedConfig",
      "type": "bytes",
      "value": "[99, 111, 110, 102, 105, 103]"
    },
    {
      "name": "energyDecimals",
      "type": "u8",
      "value": "3"
    },
    {
      "name": "maxOracles",
      "type": "u8",
      "value": "8"
    },
    {
      "name": "maxReadings",
      "type": "u8",
      "value": "64"
    },
    {
      "name": "pauseRegistry",
      "type": "u8",
      "value": "1"
    },
    {
      "name": "pauseMarket",
      "type": "u8",
      "value": "2"
    },
    {
      "name": "pauseCertificates",
      "type": "u8",
      "value": "4"
    }
  ]
};
